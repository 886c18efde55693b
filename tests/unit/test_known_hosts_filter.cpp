#include "execute/known_hosts_filter.hpp"
#include "run_local.hpp"
#include "temp_dir.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

std::set<std::string> lines_of(std::string_view text, bool skip_comments) {
  std::set<std::string> lines;
  for (const auto line : util::split_lines(text)) {
    if (!line.empty() && !(skip_comments && line.front() == '#')) {
      lines.emplace(line);
    }
  }
  return lines;
}

} // namespace

TEST_CASE("known_hosts_name is the name libssh looks up") {
  CHECK(known_hosts_name("Web1.Example.ORG", 22) == "web1.example.org");
  CHECK(known_hosts_name("10.0.0.1", 0) == "10.0.0.1");
  CHECK(known_hosts_name("10.0.0.1", 2222) == "[10.0.0.1]:2222");
  CHECK(known_hosts_name("fd00::1", 2222) == "[fd00::1]:2222");
}

TEST_CASE("plain known_hosts lines: the host's own are kept, and whatever libssh might match") {
  const std::string text = "# a comment\n"
                           "\n"
                           "web1 ssh-ed25519 K1\n"
                           "web2,WEB1 ssh-ed25519 K2 a comment\n"
                           "web3 ssh-ed25519 K3\n"
                           "[web1]:2222 ssh-ed25519 K4\n"
                           "[web1]:22 ssh-ed25519 K5\n"
                           "*.example.org ssh-ed25519 K6\n"
                           "!web9,web? ssh-ed25519 K7\n"
                           "@revoked web1 ssh-ed25519 K8\n"
                           "@cert-authority *.example.org ssh-ed25519 K9\n"
                           "\tweb1 ssh-ed25519 K10\n"
                           "  web1 ssh-ed25519 K11\n"
                           "|1|bad ssh-ed25519 K12\n"
                           "web1 ssh-ed25519 K13";
  const auto web1 = known_hosts_lines_for(text, "web1");
  REQUIRE(web1);
  CHECK(*web1 == "web1 ssh-ed25519 K1\n"
                 "web2,WEB1 ssh-ed25519 K2 a comment\n"
                 "[web1]:22 ssh-ed25519 K5\n"
                 "*.example.org ssh-ed25519 K6\n"
                 "!web9,web? ssh-ed25519 K7\n"
                 "\tweb1 ssh-ed25519 K10\n"
                 "  web1 ssh-ed25519 K11\n"
                 "|1|bad ssh-ed25519 K12\n"
                 "web1 ssh-ed25519 K13\n");
  const auto on_2222 = known_hosts_lines_for(text, "[web1]:2222");
  REQUIRE(on_2222);
  CHECK(*on_2222 == "[web1]:2222 ssh-ed25519 K4\n"
                    "*.example.org ssh-ed25519 K6\n"
                    "!web9,web? ssh-ed25519 K7\n"
                    "\tweb1 ssh-ed25519 K10\n"
                    "|1|bad ssh-ed25519 K12\n");
  const auto none = known_hosts_lines_for(text, "db1");
  REQUIRE(none);
  CHECK(*none == "*.example.org ssh-ed25519 K6\n"
                 "!web9,web? ssh-ed25519 K7\n"
                 "\tweb1 ssh-ed25519 K10\n"
                 "|1|bad ssh-ed25519 K12\n");
}

TEST_CASE("known_hosts text the filter does not cut: an overlong line, NUL bytes, no name") {
  // libssh stops reading at a line longer than its 8 KiB buffer: that line and every one after
  // it are kept, for libssh to stop at.
  const std::string text =
      "web3 ssh-ed25519 K3\nweb2 " + std::string(9000, 'A') + "\nweb3 ssh-ed25519 K4\n";
  CHECK(*known_hosts_lines_for(text, "web1") ==
        "web2 " + std::string(9000, 'A') + "\nweb3 ssh-ed25519 K4\n");
  CHECK_FALSE(known_hosts_lines_for(std::string("web1 ssh-ed25519 K1\n\0x\n", 23), "web1"));
  CHECK_FALSE(known_hosts_lines_for("web1 ssh-ed25519 K1\n", ""));
  CHECK(*known_hosts_lines_for("", "web1") == "");
}

TEST_CASE("hashed known_hosts lines: the filter finds what ssh-keygen -F finds") {
  const test::TempDir dir;
  const auto key = dir.path() / "key";
  test::run_local("ssh-keygen -q -t ed25519 -N '' -C '' -f '" + key.string() + "' </dev/null");
  const auto public_key = util::read_file(key.string() + ".pub");
  const std::string key_text = public_key.substr(0, public_key.find_first_of(" \n", 12));
  std::vector<std::string> names;
  std::string text;
  for (int i = 0; i < 60; ++i) {
    names.push_back(i % 3 == 0
                        ? "host-" + std::to_string(i) + ".example.org"
                        : "[10.1.0." + std::to_string(i) + "]:" + std::to_string(2200 + i % 5));
    text += names.back() + " " + key_text + "\n";
  }
  text += "[10.1.0.1]:2201 " + key_text + "\n"; // a second line for one host
  const auto file = dir.path() / "known_hosts";
  std::ofstream(file) << text;
  test::run_local("ssh-keygen -q -H -f '" + file.string() + "' 2>/dev/null");
  const auto hashed = util::read_file(file);
  REQUIRE(hashed.rfind("|1|", 0) == 0);

  names.push_back("[10.1.0.1]:2202"); // a known address on another port
  names.push_back("unknown.example.org");
  for (const auto& name : names) {
    CAPTURE(name);
    const auto found =
        test::run_local("ssh-keygen -F '" + name + "' -f '" + file.string() + "'").output;
    const auto cut = known_hosts_lines_for(hashed, name);
    REQUIRE(cut);
    CHECK(lines_of(*cut, false) == lines_of(found, true));
  }
  CHECK(lines_of(*known_hosts_lines_for(hashed, "[10.1.0.1]:2201"), false).size() == 2);
  CHECK(known_hosts_lines_for(hashed, "unknown.example.org")->empty());

  // The same through the file, read once: an added line is seen once the file changed.
  CHECK(lines_of(*known_hosts_lines_for_file(file.string(), "[10.1.0.1]:2202"), false).empty());
  std::ofstream(file, std::ios::app) << "[10.1.0.1]:2202 " << key_text << "\n";
  CHECK(lines_of(*known_hosts_lines_for_file(file.string(), "[10.1.0.1]:2202"), false).size() == 1);
  CHECK_FALSE(known_hosts_lines_for_file((dir.path() / "absent").string(), "web1"));
}
