// Reading files and writing them atomically (temp file + rename).
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace cisscan::util {

// Throws ConfigError naming the path when the file cannot be read.
std::string read_file(const std::filesystem::path& path);
// Writes to PATH.tmp-XXXX in the same folder, fsyncs, renames over PATH. Throws std::runtime_error.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);
// The same, with the content streamed into the file by `write` (a fleet's report need not be held
// in memory). Nothing is left behind when `write` throws.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& write);
// Expands a leading "~/" with $HOME.
std::filesystem::path expand_home(const std::string& path);
// 32 lower-case hex characters from the kernel's random source.
std::string random_hex(size_t bytes);

} // namespace cisscan::util
