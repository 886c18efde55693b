// What the fuzz targets share: the input as a file (the loaders read paths), and the rule that
// bad input may only end in a ConfigError, the CLI's one-line exit 2.
#pragma once

#include "util/error.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace cisscan::fuzz {

// A file under a folder of this process's own in $TMPDIR, rewritten with each input and removed
// at exit.
class InputFile {
public:
  explicit InputFile(const std::string& name) {
    std::string pattern = (std::filesystem::temp_directory_path() / "cisscan-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    m_folder = pattern;
    m_path = m_folder / name;
  }
  ~InputFile() {
    std::error_code ec;
    std::filesystem::remove_all(m_folder, ec);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::filesystem::path& write(std::string_view bytes) const {
    std::ofstream out(m_path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return m_path;
  }

private:
  std::filesystem::path m_folder;
  std::filesystem::path m_path;
};

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `body` on one input. A ConfigError is the expected answer to bad input. Any other
// exception reaches the user as "internal error: ..." without a file name: tolerated by default,
// a finding (abort) when CISSCAN_FUZZ_STRICT is set in the environment.
template <typename Body> void expect_config_errors(Body&& body) {
  static const bool strict = std::getenv("CISSCAN_FUZZ_STRICT") != nullptr;
  try {
    body();
  } catch (const ConfigError&) {
  } catch (const std::exception& e) {
    if (strict) {
      std::fprintf(stderr, "not a ConfigError: %s\n", e.what());
      std::abort();
    }
  }
}

} // namespace cisscan::fuzz
