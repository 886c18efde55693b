#include "util/files.hpp"

#include "util/error.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <vector>

namespace cisscan::util {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(path.string() + ": cannot read: " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
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

std::filesystem::path expand_home(const std::string& path) {
  if (path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : "/") / path.substr(2);
  }
  return path;
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

} // namespace cisscan::util
