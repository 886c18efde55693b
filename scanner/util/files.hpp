// Reading files and writing them atomically (temp file + rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cisscan::util {

// Throws ConfigError naming the path when the file cannot be read. `spare` zero bytes stay
// allocated past the end (the string's capacity), for a parser that reads beyond it.
std::string read_file(const std::filesystem::path& path, size_t spare = 0);
// Writes to PATH.tmp-XXXX in the same folder, fsyncs, renames over PATH. Throws std::runtime_error.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);
// The same, with the content streamed into the file by `write` (a fleet's report need not be held
// in memory). Nothing is left behind when `write` throws.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& write);
// Renames each (temp, target) pair: all of them, or, when one rename fails, none (every target
// renamed so far gets its old file back, or goes if it had none). The temps are removed on
// failure. Throws std::runtime_error naming the target that could not be replaced.
void rename_all_or_none(
    const std::vector<std::pair<std::filesystem::path, std::filesystem::path>>& renames);
// `name` as one file name: bytes outside letters, digits, '.', '-', '_' and a leading '.'
// become '_', so it can never name a parent folder, a hidden file or a path.
std::string safe_file_name(std::string_view name);
// Throws std::runtime_error "PATH: WHY" unless write_file_atomic(path) could work: `path` is not
// a folder, and its folder exists and takes a new file.
void check_writable(const std::filesystem::path& path);
// Writes all of `text` to `fd` at `offset` (pwrite, again after EINTR and short writes). False
// with errno set when it cannot.
bool write_at(int fd, std::string_view text, size_t offset = 0);
// Expands a leading "~/" with $HOME.
std::filesystem::path expand_home(const std::string& path);
// The account this process runs as: $USER, else the password database's name for the real uid,
// else "uid N".
std::string account_name();
// 32 lower-case hex characters from the kernel's random source.
std::string random_hex(size_t bytes);
// Which file a path names, symbolic links followed: its device and inode, the same for every
// path that reaches it (a folder and the file directly, a link, a hard link). Empty when the
// path cannot be stat'ed. One stat(2), where std::filesystem::weakly_canonical reads every link
// of every component.
std::optional<std::pair<std::uint64_t, std::uint64_t>>
file_identity(const std::filesystem::path& path);

// An empty file made in the temporary folder ($TMPDIR) for as long as the object lives, then
// removed: for text too large to hold in memory that a reader takes by path. Throws
// std::runtime_error when none can be made.
class TempFile {
public:
  explicit TempFile(std::string_view prefix);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

} // namespace cisscan::util
