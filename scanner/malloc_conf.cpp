// jemalloc's settings for the cisscan command (linked when CISSCAN_JEMALLOC: CMakeLists.txt).
//
// Why jemalloc: a fleet scan allocates ~13,000 times a host on up to --jobs threads, and frees
// much of it on the thread that assesses and spools each host. Under glibc's malloc that was a
// seventh of the scanner's CPU at 200 hosts and --jobs 50 (fastbin consolidation, unlinking,
// arena locks); jemalloc takes ~10 % off the scanner's whole CPU a host there
// (benchmarks/README.md, 2026-12-07 08:15).
//
// Why these settings: jemalloc's defaults (4 arenas a core, a thread cache of up to 32 KiB
// objects on each of ~50 threads, pages kept 10 s) took the peak RSS of that scan from 83 to
// 108 MiB; two arenas, a thread cache of small objects only and freed pages returned within a
// second keep it near glibc's. MALLOC_CONF in the environment is read after these and wins.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "narenas:2,tcache_max:4096,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
