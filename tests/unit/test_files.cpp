#include "util/files.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
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

TEST_CASE("read_file keeps spare zero bytes past the end") {
  const TempDir dir;
  const auto file = dir.write("record.json", "{\"a\": 1}");
  const auto text = util::read_file(file, 64);
  CHECK(text == "{\"a\": 1}");
  REQUIRE(text.capacity() >= text.size() + 64);
  CHECK(std::string(text.data() + text.size(), 64) == std::string(64, '\0'));
  CHECK_THROWS_WITH_AS(util::read_file(dir.path()), doctest::Contains("cannot read"), ConfigError);
}

TEST_CASE("rename_all_or_none replaces a whole set, or leaves the old one whole") {
  const TempDir dir;
  const auto staged = [&](const std::string& name, const std::string& content) {
    return std::make_pair(dir.write(name + ".cisscan-tmp", content), dir.path() / name);
  };
  dir.write("report.json", "old json");
  dir.write("report.md", "old md");
  SUBCASE("every rename works") {
    util::rename_all_or_none({staged("report.json", "new json"), staged("report.md", "new md"),
                              staged("report.csv", "new csv")});
    CHECK(util::read_file(dir.path() / "report.json") == "new json");
    CHECK(util::read_file(dir.path() / "report.md") == "new md");
    CHECK(util::read_file(dir.path() / "report.csv") == "new csv");
    CHECK(names_in(dir.path()).size() == 3);
  }
  SUBCASE("the third rename fails: the first two are undone, the temps removed") {
    dir.write("report.html/keep", "x"); // a folder where the new HTML report should go
    CHECK_THROWS_WITH_AS(
        util::rename_all_or_none({staged("report.json", "new json"), staged("report.csv", "new"),
                                  staged("report.html", "new html"), staged("report.md", "new")}),
        doctest::Contains("report.html: cannot rename into place"), std::runtime_error);
    CHECK(util::read_file(dir.path() / "report.json") == "old json");
    CHECK(util::read_file(dir.path() / "report.md") == "old md");
    CHECK_FALSE(std::filesystem::exists(dir.path() / "report.csv"));
    auto names = names_in(dir.path());
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"report.html", "report.json", "report.md"});
    CHECK(names_in(dir.path() / "report.html") == std::vector<std::string>{"keep"});
  }
}

TEST_CASE("safe_file_name never names a parent, a hidden file or a path") {
  CHECK(util::safe_file_name("web-1.example_org") == "web-1.example_org");
  CHECK(util::safe_file_name("../../etc/cron.d/x") == "_.._.._etc_cron.d_x");
  CHECK(util::safe_file_name("..") == "_.");
  CHECK(util::safe_file_name(".hidden") == "_hidden");
  CHECK(util::safe_file_name("") == "_");
  CHECK(util::safe_file_name("a\x1b[31mb c") == "a__31mb_c");
}

TEST_CASE("check_writable refuses a folder, or a file in a folder that is missing") {
  const TempDir dir;
  CHECK_NOTHROW(util::check_writable(dir.path() / "metrics.prom"));
  CHECK(names_in(dir.path()).empty());
  CHECK_THROWS_WITH_AS(util::check_writable(dir.path()), doctest::Contains("is a folder"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(util::check_writable(dir.path() / "no" / "metrics.prom"),
                       doctest::Contains("cannot write in"), std::runtime_error);
}
