#include "inventory/ssh_config.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace cisscan;
using cisscan::test::TempDir;

TEST_CASE("ssh_host_matches: wildcards and negation as ssh_config(5)") {
  CHECK(ssh_host_matches({"*"}, "anything"));
  CHECK(ssh_host_matches({"web?"}, "web1"));
  CHECK_FALSE(ssh_host_matches({"web?"}, "web10"));
  CHECK(ssh_host_matches({"*.lab", "db"}, "db"));
  CHECK_FALSE(ssh_host_matches({"*.lab", "!bastion.lab"}, "bastion.lab"));
  CHECK(ssh_host_matches({"*.lab", "!bastion.lab"}, "web.lab"));
  CHECK_FALSE(ssh_host_matches({"!bastion.lab"}, "web.lab"));
}

TEST_CASE("SshConfig: the first value obtained wins, per keyword, across Host blocks") {
  const TempDir dir;
  const auto file = dir.write("config", R"(# global
User fallback
Host web1 web2
  HostName %h.internal.example
  Port 2222
Host web*
  Port 2200
  User ops
  IdentityFile ~/.ssh/id_%u_%h
  ProxyJump bastion
  UserKnownHostsFile "/etc/ssh/known hosts" /other
Host *
  Port 22
  Ciphers aes256-ctr
)");
  const auto config = SshConfig::load(file);
  CHECK(config.warnings().empty());
  const auto web1 = config.lookup("web1");
  CHECK(web1.hostname == "web1.internal.example");
  CHECK(web1.port == 2222);
  CHECK(web1.user == "fallback"); // the global line came first
  CHECK(web1.proxy_jump == "bastion");
  CHECK(web1.identity_file.find("/.ssh/id_fallback_web1.internal.example") != std::string::npos);
  CHECK(web1.identity_file.front() == '/');
  CHECK(web1.known_hosts == "/etc/ssh/known hosts");
  const auto web9 = config.lookup("web9");
  CHECK(web9.hostname.empty());
  CHECK(web9.port == 2200);
  const auto other = config.lookup("db");
  CHECK(other.port == 22);
  CHECK(other.proxy_jump.empty());
}

TEST_CASE("SshConfig: syntax cisscan does not follow is a warning with file and line") {
  const TempDir dir;
  const auto file = dir.write("config", R"(Host a
  ProxyCommand ssh -W %h:%p gateway
  Include ~/.ssh/config.d/*
  IdentityFile ~/.ssh/id_%C
Match host a
  Port 1234
Host b
  Port=2345
)");
  const auto config = SshConfig::load(file);
  REQUIRE(config.warnings().size() == 4);
  CHECK(config.warnings()[0] ==
        file.string() + ":2: proxycommand is not supported by cisscan: ignored");
  CHECK(config.warnings()[1].find(":3: include") != std::string::npos);
  CHECK(config.warnings()[2].find(":4: the token %C in identityfile") != std::string::npos);
  CHECK(config.warnings()[3].find(":5: Match blocks are not supported") != std::string::npos);
  CHECK(config.lookup("a").port == 0); // the Match block's Port was ignored
  CHECK(config.lookup("a").identity_file.empty());
  CHECK(config.lookup("b").port == 2345);
}

TEST_CASE("SshConfig: a bad port or an unreadable file is a ConfigError") {
  const TempDir dir;
  const auto bad = SshConfig::load(dir.write("config", "Host x\n  Port 99999\n"));
  CHECK_THROWS_AS(bad.lookup("x"), ConfigError);
  CHECK_NOTHROW(bad.lookup("y"));
  CHECK_THROWS_AS(SshConfig::load(dir.path() / "missing"), ConfigError);
}
