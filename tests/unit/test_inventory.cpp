#include "inventory/inventory.hpp"

#include "inventory/ssh_config.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include <pwd.h>
#include <unistd.h>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

std::string error_of(const std::filesystem::path& file) {
  try {
    (void)load_inventory(file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("the example inventory") {
  const TempDir dir;
  const auto file = dir.write("inventory.yaml", "defaults:\n"
                                                "  user: root\n"
                                                "  identity_file: ~/.ssh/id_ed25519\n"
                                                "hosts:\n"
                                                "  - name: pve1\n"
                                                "    address: 10.0.0.11\n"
                                                "    roles: [pve-node]\n"
                                                "  - name: web1\n"
                                                "    address: 10.0.0.21\n"
                                                "    port: 2222\n"
                                                "    user: audit\n"
                                                "    become: sudo\n");
  const auto inventory = load_inventory(file);
  CHECK(inventory.source == file.string());
  REQUIRE(inventory.hosts.size() == 2);

  const auto& pve1 = inventory.hosts[0];
  CHECK(pve1.name == "pve1");
  CHECK(pve1.address() == "10.0.0.11");
  CHECK(pve1.port() == 22);
  CHECK(pve1.user() == "root");
  CHECK(pve1.ssh()->login.identity_file == "~/.ssh/id_ed25519");
  CHECK(pve1.become().empty());
  CHECK(pve1.transport == "ssh");
  CHECK(pve1.roles == std::vector<std::string>{"pve-node"});
  CHECK(pve1.groups.empty());

  const auto& web1 = inventory.hosts[1];
  CHECK(web1.name == "web1");
  CHECK(web1.address() == "10.0.0.21");
  CHECK(web1.port() == 2222);
  CHECK(web1.user() == "audit");
  CHECK(web1.ssh()->login.identity_file == "~/.ssh/id_ed25519");
  CHECK(web1.become() == "sudo");
  CHECK(web1.transport == "ssh");
  CHECK(web1.roles.empty());
}

TEST_CASE("defaults, groups and hosts: the most specific setting wins") {
  const TempDir dir;
  const auto file = dir.write("inventory.yaml", "defaults:\n"
                                                "  user: audit\n"
                                                "  port: 2200\n"
                                                "  become: sudo\n"
                                                "groups:\n"
                                                "  web:\n"
                                                "    user: www-audit\n"
                                                "    roles: [web]\n"
                                                "  dmz:\n"
                                                "    user: dmz-audit\n"
                                                "    port: 2201\n"
                                                "hosts:\n"
                                                "  - name: plain\n"
                                                "  - name: in-web\n"
                                                "    groups: [web]\n"
                                                "  - name: in-web-and-dmz\n"
                                                "    groups: [web, dmz]\n"
                                                "  - name: own-settings\n"
                                                "    groups: web\n"
                                                "    user: me\n"
                                                "    port: 22\n"
                                                "    become: none\n"
                                                "    roles: [db]\n"
                                                "  - name: here\n"
                                                "    transport: local\n");
  const auto inventory = load_inventory(file);
  REQUIRE(inventory.hosts.size() == 5);

  const auto& plain = inventory.hosts[0];
  CHECK(plain.address() == "plain");
  CHECK(plain.user() == "audit");
  CHECK(plain.port() == 2200);
  CHECK(plain.become() == "sudo");
  CHECK(plain.roles.empty());

  const auto& in_web = inventory.hosts[1];
  CHECK(in_web.user() == "www-audit");
  CHECK(in_web.port() == 2200);
  CHECK(in_web.roles == std::vector<std::string>{"web"});
  CHECK(in_web.groups == std::vector<std::string>{"web"});

  // "Precedence: host, then its groups in order, then defaults": the first group listed wins.
  const auto& both = inventory.hosts[2];
  CHECK(both.user() == "www-audit");
  CHECK(both.port() == 2201);
  CHECK(both.groups == std::vector<std::string>{"web", "dmz"});

  const auto& own = inventory.hosts[3];
  CHECK(own.user() == "me");
  CHECK(own.port() == 22);
  CHECK(own.become().empty());
  CHECK(own.roles == std::vector<std::string>{"web", "db"});
  CHECK(own.groups == std::vector<std::string>{"web"});

  CHECK(inventory.hosts[4].transport == "local");
}

TEST_CASE("inventory errors name the file and line") {
  const TempDir dir;
  SUBCASE("missing file") {
    const auto message = error_of(dir.path() / "nope.yaml");
    CHECK(message.rfind((dir.path() / "nope.yaml").string() + ": ", 0) == 0);
  }
  SUBCASE("malformed YAML") {
    const auto file = dir.write("i.yaml", "hosts:\n  - name: a\n    address: [1.2.3.4\n");
    const auto message = error_of(file);
    CHECK(message.rfind(file.string() + ":", 0) == 0);
    CHECK(message.find("malformed YAML") != std::string::npos);
  }
  SUBCASE("unknown key in a host") {
    const auto file = dir.write("i.yaml", "hosts:\n  - name: a\n    adress: 1.2.3.4\n");
    const auto message = error_of(file);
    CHECK(message.rfind(file.string() + ":3: unknown key 'adress' in a host", 0) == 0);
  }
  SUBCASE("unknown key in defaults and at the top") {
    const auto defaults = dir.write("d.yaml", "defaults:\n  usr: root\nhosts: []\n");
    CHECK(error_of(defaults).rfind(defaults.string() + ":2: unknown key 'usr' in defaults", 0) ==
          0);
    const auto top = dir.write("t.yaml", "hosts: []\n\nhost_vars: {}\n");
    CHECK(error_of(top).rfind(top.string() + ":3: unknown key 'host_vars'", 0) == 0);
  }
  SUBCASE("bad port") {
    const auto big = dir.write("p.yaml", "hosts:\n  - name: a\n    port: 70000\n");
    CHECK(error_of(big) == big.string() + ":3: port must be 1..65535");
    const auto zero = dir.write("z.yaml", "defaults:\n  port: 0\nhosts: []\n");
    CHECK(error_of(zero) == zero.string() + ":2: port must be 1..65535");
    const auto text = dir.write("q.yaml", "hosts:\n  - name: a\n\n    port: ssh\n");
    CHECK(error_of(text) == text.string() + ":4: port must be a number");
  }
  SUBCASE("duplicate host name") {
    const auto file =
        dir.write("i.yaml", "hosts:\n  - name: a\n  - name: b\n  - name: a\n    port: 22\n");
    CHECK(error_of(file) == file.string() + ":4: duplicate host name 'a'");
  }
  SUBCASE("host without a name") {
    const auto file = dir.write("i.yaml", "hosts:\n  - name: a\n  - address: 1.2.3.4\n");
    CHECK(error_of(file) == file.string() + ":3: a host needs a 'name'");
  }
  SUBCASE("bad become and transport") {
    const auto become = dir.write("b.yaml", "hosts:\n  - name: a\n    become: doas\n");
    CHECK(error_of(become) == become.string() + ":3: become must be sudo (or none)");
    const auto transport = dir.write("t.yaml", "hosts:\n  - name: a\n    transport: telnet\n");
    CHECK(error_of(transport) ==
          transport.string() + ":3: transport must be ssh, local, pct or qga");
  }
  SUBCASE("host names outside the rule") {
    for (const std::string name : {"../x", "a/b", ".a", "-a", "a b", "\"a\\x1b[2Jb\"", "\"\""}) {
      CAPTURE(name);
      const auto file = dir.write("n.yaml", "hosts:\n  - {name: a}\n  - name: " + name + "\n");
      CHECK(error_of(file).rfind(file.string() + ":3: host name ", 0) == 0);
      CHECK(error_of(file).find("\x1b") == std::string::npos);
    }
    // A control character written as itself is not YAML text at all: the file is refused there.
    const auto raw = dir.write("r.yaml", "hosts:\n  - {name: a}\n  - name: a\x1b[2Jb\n");
    CHECK(error_of(raw) == raw.string() + ":3: malformed YAML: control characters are not allowed");
    const auto file =
        dir.write("ok.yaml", "hosts:\n  - {name: web-1.example_org}\n  - {name: 10.0.0.1}\n");
    CHECK(load_inventory(file).hosts.size() == 2);
  }
  SUBCASE("a list or mapping where one value belongs") {
    const auto user = dir.write("u.yaml", "hosts:\n  - name: a\n    user: [root]\n");
    CHECK(error_of(user) == user.string() + ":3: expected one value, not a list or mapping");
    const auto address = dir.write("a.yaml", "hosts:\n  - name: a\n    address: {ip: 1}\n");
    CHECK(error_of(address) == address.string() + ":3: expected one value, not a list or mapping");
  }
  SUBCASE("no hosts list") {
    const auto file = dir.write("i.yaml", "defaults: {user: root}\n");
    CHECK(error_of(file) ==
          file.string() + ":1: expected a 'hosts:' list (or 'proxmox:' entry nodes)");
  }
}

TEST_CASE("the local inventory") {
  const auto inventory = local_inventory();
  CHECK(inventory.source == "local");
  REQUIRE(inventory.hosts.size() == 1);
  CHECK(inventory.hosts[0].transport == "local");
  CHECK_FALSE(inventory.hosts[0].name.empty());
}

namespace {

// Sets (or, with nullptr, unsets) an environment variable for the scope; the old value returns.
class EnvVar {
public:
  EnvVar(const char* name, const char* value) : m_name(name) {
    if (const char* old = std::getenv(name); old != nullptr) {
      m_old = old;
      m_had = true;
    }
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~EnvVar() {
    if (m_had) {
      setenv(m_name.c_str(), m_old.c_str(), 1);
    } else {
      unsetenv(m_name.c_str());
    }
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

private:
  std::string m_name;
  std::string m_old;
  bool m_had = false;
};

} // namespace

TEST_CASE("--identity: under the inventory's identity_file, over the SSH configuration's") {
  const TempDir dir;
  const auto config_file = dir.write("ssh_config", "Host *\n  IdentityFile /config/key\n");
  const auto config = SshConfig::load(config_file);
  const auto file = dir.write("inventory.yaml", "groups:\n"
                                                "  keyed: {identity_file: /group/key}\n"
                                                "hosts:\n"
                                                "  - {name: plain, address: 10.0.0.1}\n"
                                                "  - {name: own, address: 10.0.0.2,"
                                                " identity_file: /host/key}\n"
                                                "  - {name: grouped, address: 10.0.0.3,"
                                                " groups: [keyed]}\n");
  const auto key_of = [](const Inventory& inventory, const std::string& name) {
    for (const auto& host : inventory.hosts) {
      if (host.name == name) {
        return host.ssh()->login.identity_file;
      }
    }
    return std::string("(no host)");
  };
  const auto with_option = load_inventory(file, &config, {}, "/cli/key");
  CHECK(key_of(with_option, "plain") == "/cli/key");
  CHECK(key_of(with_option, "own") == "/host/key");
  CHECK(key_of(with_option, "grouped") == "/group/key");
  const auto without = load_inventory(file, &config);
  CHECK(key_of(without, "plain") == "/config/key");
  CHECK(key_of(without, "own") == "/host/key");

  // defaults: in the inventory win over --identity too.
  const auto defaults = dir.write("defaults.yaml", "defaults: {identity_file: /defaults/key}\n"
                                                   "hosts:\n  - {name: plain}\n");
  CHECK(load_inventory(defaults, &config, {}, "/cli/key").hosts[0].ssh()->login.identity_file ==
        "/defaults/key");
}

TEST_CASE("identity_file and known_hosts take ${ENV}; an unset variable names file and line") {
  const TempDir dir;
  const EnvVar key("CISSCAN_TEST_KEY", "/run/ci/key");
  const EnvVar project("CISSCAN_TEST_PROJECT", "/builds/fleet");
  const EnvVar empty("CISSCAN_TEST_EMPTY", "");
  const EnvVar unset("CISSCAN_TEST_UNSET", nullptr);
  const auto file = dir.write("inventory.yaml", "defaults:\n"
                                                "  identity_file: ${CISSCAN_TEST_KEY}\n"
                                                "  known_hosts: ${CISSCAN_TEST_PROJECT}/ssh/kh\n"
                                                "hosts:\n"
                                                "  - {name: a}\n"
                                                "  - {name: b, known_hosts: /etc/$HOME/kh}\n");
  const auto inventory = load_inventory(file);
  CHECK(inventory.hosts[0].ssh()->login.identity_file == "/run/ci/key");
  CHECK(inventory.hosts[0].ssh()->login.known_hosts == "/builds/fleet/ssh/kh");
  CHECK(inventory.hosts[1].ssh()->login.known_hosts ==
        "/etc/$HOME/kh"); // only ${NAME} is a variable

  const auto unset_file = dir.write("unset.yaml", "hosts:\n"
                                                  "  - name: a\n"
                                                  "    identity_file: ${CISSCAN_TEST_UNSET}\n");
  CHECK(error_of(unset_file) == unset_file.string() + ":3: identity_file: the environment variable "
                                                      "${CISSCAN_TEST_UNSET} is not set");
  const auto empty_file = dir.write("empty.yaml", "defaults:\n"
                                                  "  known_hosts: ${CISSCAN_TEST_EMPTY}\n"
                                                  "hosts: [{name: a}]\n");
  CHECK(error_of(empty_file) == empty_file.string() + ":2: known_hosts: the environment variable "
                                                      "${CISSCAN_TEST_EMPTY} is empty");
  const auto bad_file =
      dir.write("bad.yaml", "hosts:\n  - {name: a, identity_file: \"${1X}/key\"}\n");
  CHECK(error_of(bad_file).find(":2: identity_file: expected ${NAME}") != std::string::npos);
}

TEST_CASE("an inventory's known_hosts wins over the SSH configuration's UserKnownHostsFile") {
  const TempDir dir;
  const auto config =
      SshConfig::load(dir.write("ssh_config", "Host *\n  UserKnownHostsFile /config/kh\n"));
  const auto file = dir.write("inventory.yaml", "hosts:\n"
                                                "  - {name: a, known_hosts: /inventory/kh}\n"
                                                "  - {name: b}\n");
  const auto inventory = load_inventory(file, &config);
  CHECK(inventory.hosts[0].ssh()->login.known_hosts == "/inventory/kh");
  CHECK(inventory.hosts[1].ssh()->login.known_hosts == "/config/kh");
}

TEST_CASE("the default user is the account's name when $USER is unset") {
  const TempDir dir;
  const EnvVar user("USER", nullptr);
  const auto file = dir.write("inventory.yaml", "hosts:\n  - {name: a}\n");
  const auto* entry = getpwuid(getuid());
  REQUIRE(entry != nullptr);
  CHECK(load_inventory(file).hosts[0].user() == entry->pw_name);
}
