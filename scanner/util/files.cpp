#include "util/files.hpp"

#include "util/error.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <streambuf>
#include <vector>

namespace cisscan::util {

bool write_at(int fd, std::string_view text, size_t offset) {
  while (!text.empty()) {
    const auto n = ::pwrite(fd, text.data(), text.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    text.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<size_t>(n);
  }
  return true;
}

std::string read_file(const std::filesystem::path& path, size_t spare) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info {};
  if (fd < 0 || ::fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) {
    const int error = fd >= 0 && S_ISDIR(info.st_mode) ? EISDIR : errno;
    if (fd >= 0) {
      ::close(fd);
    }
    throw ConfigError(path.string() + ": cannot read: " + std::strerror(error));
  }
  // Read straight into a string of the file's size (a stream's buffer would be a second copy),
  // one byte more to see the end without growing it.
  std::string text(static_cast<size_t>(std::max<off_t>(info.st_size, 0)) + 1 + spare, '\0');
  size_t size = 0;
  while (true) {
    const size_t room = text.size() - spare - size;
    if (room == 0) { // the file grew while read
      text.resize(2 * text.size(), '\0');
      continue;
    }
    const auto n = ::read(fd, text.data() + size, room);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw ConfigError(path.string() + ": cannot read: " + std::strerror(error));
    }
    if (n == 0) {
      break;
    }
    size += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(size); // keeps the capacity, and the zeros past the end
  return text;
}

namespace {

// A stream buffer writing to a file descriptor, remembering the first write error.
class FdBuffer final : public std::streambuf {
public:
  explicit FdBuffer(int fd) : m_fd(fd), m_buffer(1 << 20) {
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
  }
  // errno of the first failed write, or 0.
  int error() const { return m_error; }

protected:
  int_type overflow(int_type ch) override {
    if (!drain()) {
      return traits_type::eof();
    }
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }

private:
  bool drain() {
    const char* next = pbase();
    while (next < pptr()) {
      const auto n = ::write(m_fd, next, static_cast<size_t>(pptr() - next));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        m_error = errno;
        return false;
      }
      next += n;
    }
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    return true;
  }

  int m_fd;
  int m_error = 0;
  std::vector<char> m_buffer;
};

} // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  write_file_atomic(path, [&](std::ostream& out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& write) {
  const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temp = (folder / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    throw std::runtime_error(path.string() +
                             ": cannot create temporary file: " + std::strerror(errno));
  }
  const auto fail = [&](const std::string& reason) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw std::runtime_error(path.string() + ": " + reason);
  };
  FdBuffer buffer(fd);
  std::ostream out(&buffer);
  try {
    write(out);
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  out.flush();
  if (!out || buffer.error() != 0) {
    fail(std::string("write failed: ") + std::strerror(buffer.error() != 0 ? buffer.error() : EIO));
  }
  fchmod(fd, 0644);
  if (::fsync(fd) != 0) {
    fail(std::string("write failed: ") + std::strerror(errno));
  }
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    throw std::runtime_error(path.string() + ": write failed: " + std::strerror(errno));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    throw std::runtime_error(path.string() + ": cannot rename into place: " + reason);
  }
}

void check_writable(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw std::runtime_error(path.string() + ": is a folder");
  }
  const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string probe = (folder / ".cisscan-check-XXXXXX").string();
  const int fd = mkstemp(probe.data());
  if (fd < 0) {
    throw std::runtime_error(path.string() + ": cannot write in " + folder.string() + ": " +
                             std::strerror(errno));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

TempFile::TempFile(std::string_view prefix) {
  std::error_code ec;
  const auto folder = std::filesystem::temp_directory_path(ec);
  std::string name =
      ((ec ? std::filesystem::path("/tmp") : folder) / (std::string(prefix) + "-XXXXXX")).string();
  const int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error("cannot make a temporary file " + name + ": " + std::strerror(errno));
  }
  ::close(fd);
  m_path = name;
}

TempFile::~TempFile() {
  std::error_code ec;
  std::filesystem::remove(m_path, ec);
}

void rename_all_or_none(
    const std::vector<std::pair<std::filesystem::path, std::filesystem::path>>& renames) {
  namespace fs = std::filesystem;
  // A hard link keeps each old target's file, in place until its replacement arrives.
  std::vector<fs::path> backups(renames.size());
  size_t done = 0;
  std::string problem;
  for (size_t i = 0; i < renames.size() && problem.empty(); ++i) {
    const auto& target = renames[i].second;
    std::error_code ec;
    if (fs::is_regular_file(fs::symlink_status(target, ec))) {
      backups[i] = target;
      backups[i] += ".cisscan-old";
      ::unlink(backups[i].c_str());
      if (::link(target.c_str(), backups[i].c_str()) != 0) {
        problem = target.string() + ": cannot keep the old file: " + std::strerror(errno);
        backups[i].clear();
      }
    }
  }
  for (; done < renames.size() && problem.empty(); ++done) {
    if (std::rename(renames[done].first.c_str(), renames[done].second.c_str()) != 0) {
      problem =
          renames[done].second.string() + ": cannot rename into place: " + std::strerror(errno);
      break;
    }
  }
  for (size_t i = 0; i < renames.size(); ++i) {
    const auto& target = renames[i].second;
    if (!problem.empty() && i < done) { // put the old file back, or take the new one away
      if (backups[i].empty() ? ::unlink(target.c_str()) != 0
                             : std::rename(backups[i].c_str(), target.c_str()) != 0) {
        problem += "; and " + target.string() + " could not be restored: " + std::strerror(errno);
      }
    }
    if (!backups[i].empty()) {
      ::unlink(backups[i].c_str());
    }
    if (!problem.empty()) {
      ::unlink(renames[i].first.c_str());
    }
  }
  if (!problem.empty()) {
    throw std::runtime_error(problem);
  }
}

std::string safe_file_name(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const bool safe = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ||
                      (c == '.' && !out.empty());
    out += safe ? c : '_';
  }
  return out.empty() ? "_" : out;
}

std::filesystem::path expand_home(const std::string& path) {
  if (path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : "/") / path.substr(2);
  }
  return path;
}

std::string account_name() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') {
    return user;
  }
  const auto uid = getuid();
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_name != nullptr && *found->pw_name != '\0') {
    return found->pw_name;
  }
  return "uid " + std::to_string(uid);
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t got = 0;
  while (got < bytes) {
    const auto n = getrandom(raw.data() + got, bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw std::runtime_error(std::string("getrandom failed: ") + std::strerror(errno));
    }
    got += static_cast<size_t>(n);
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    out += k_hex[b >> 4];
    out += k_hex[b & 15];
  }
  return out;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>>
file_identity(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return std::pair<std::uint64_t, std::uint64_t>{st.st_dev, st.st_ino};
}

} // namespace cisscan::util
