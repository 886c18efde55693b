#include "util/files.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

} // namespace

TEST_CASE("write_file_atomic writes, replaces and leaves no temp file") {
  const TempDir dir;
  const auto file = dir.path() / "report.json";
  util::write_file_atomic(file, "first");
  CHECK(util::read_file(file) == "first");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"report.json"});

  util::write_file_atomic(file, std::string("second\0binary", 13));
  CHECK(util::read_file(file) == std::string("second\0binary", 13));
  CHECK(names_in(dir.path()) == std::vector<std::string>{"report.json"});

  util::write_file_atomic(file, "");
  CHECK(util::read_file(file).empty());
  CHECK(names_in(dir.path()) == std::vector<std::string>{"report.json"});

  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0644);
}

TEST_CASE("write_file_atomic into a missing folder throws") {
  const TempDir dir;
  CHECK_THROWS_AS(util::write_file_atomic(dir.path() / "no" / "such" / "x", "x"),
                  std::runtime_error);
}

TEST_CASE("read_file on a missing path throws a ConfigError naming it") {
  const TempDir dir;
  const auto missing = dir.path() / "missing.yaml";
  CHECK_THROWS_AS(util::read_file(missing), ConfigError);
  CHECK_THROWS_WITH(util::read_file(missing), doctest::Contains(missing.string().c_str()));
}

TEST_CASE("read_file reads bytes exactly") {
  const TempDir dir;
  const std::string bytes("a\0\xFF\r\n", 5);
  const auto file = dir.write("bin", bytes);
  CHECK(util::read_file(file) == bytes);
}

TEST_CASE("expand_home") {
  const char* home = std::getenv("HOME");
  REQUIRE(home != nullptr);
  CHECK(util::expand_home("~/.ssh/id_ed25519") == std::filesystem::path(home) / ".ssh/id_ed25519");
  CHECK(util::expand_home("/etc/x") == "/etc/x");
  CHECK(util::expand_home("~user/x") == "~user/x");
}

TEST_CASE("random_hex") {
  const auto a = util::random_hex(16);
  const auto b = util::random_hex(16);
  CHECK(a.size() == 32);
  CHECK(a != b);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(util::random_hex(0).empty());
}

TEST_CASE("write_file_atomic streams large content through its buffer") {
  const TempDir dir;
  const auto file = dir.path() / "big.txt";
  std::string expected;
  util::write_file_atomic(file, [&](std::ostream& out) {
    for (int i = 0; i < 300000; ++i) { // ~2.4 MB: several buffer fills
      const auto line = std::to_string(i) + "\n";
      out << line;
      expected += line;
    }
  });
  CHECK(util::read_file(file) == expected);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"big.txt"});
}

TEST_CASE("write_file_atomic leaves the old file and no temp file when the writer throws") {
  const TempDir dir;
  const auto file = dir.path() / "report.html";
  util::write_file_atomic(file, "old");
  CHECK_THROWS_WITH_AS(util::write_file_atomic(file,
                                               [](std::ostream& out) {
                                                 out << std::string(3 << 20, 'x');
                                                 throw std::logic_error("render failed");
                                               }),
                       "render failed", std::logic_error);
  CHECK(util::read_file(file) == "old");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"report.html"});
}

TEST_CASE("write_file_atomic reports a failed write and leaves nothing behind") {
  // /dev/full: every write fails with ENOSPC. Its folder cannot take a temp file, so write into
  // a folder of ours through a writer that fails the same way: a stream in a failed state.
  const TempDir dir;
  const auto file = dir.path() / "report.json";
  CHECK_THROWS_WITH_AS(
      util::write_file_atomic(file, [](std::ostream& out) { out.setstate(std::ios::badbit); }),
      doctest::Contains("write failed"), std::runtime_error);
  CHECK(names_in(dir.path()).empty());
}
