// A known_hosts file cut down to the lines that may name one host, before libssh reads it.
//
// libssh reads the whole known_hosts file twice for every connection (the host key algorithms
// to offer, then the check), importing every line's key and, for a hashed line
// (HashKnownHosts, Debian's default), computing an HMAC with a context it fetches each time:
// ~19 us a hashed line, so a fleet's 2,000-line file cost ~38 ms of CPU a host
// (benchmarks/README.md, 2026-12-05). The file is read once a scan here, and each host gets
// only the lines libssh could match for it. A line is dropped only where libssh would skip it
// for this host (a comment, a marker line, a plain or hashed name that is another host's);
// anything this filter does not fully understand (patterns, odd hashes, overlong lines, NUL
// bytes) is kept, so libssh decides exactly as it would on the whole file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cisscan {

// The name libssh looks up for `address` and `port`: the address in lower case, as
// "[address]:port" unless the port is 22 (libssh's ssh_session_get_host_port).
std::string known_hosts_name(std::string_view address, int port);

// The lines of `text` (a known_hosts file's) that libssh could match for `name` (from
// known_hosts_name), verbatim, each ending in a newline; nullopt where the text is not one
// this filter cuts safely (then use the whole file).
std::optional<std::string> known_hosts_lines_for(std::string_view text, std::string_view name);

// known_hosts_lines_for on the file at `path`, whose text is read once and kept while the
// file's identity, size and modification time stay the same (so a key added by
// --accept-new-host-keys is seen by the next host). nullopt where the file cannot be read:
// libssh then reads it itself and says why.
std::optional<std::string> known_hosts_lines_for_file(const std::string& path,
                                                      std::string_view name);

} // namespace cisscan
