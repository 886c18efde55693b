// The OpenSSH client configuration (~/.ssh/config, or --ssh-config FILE), as operators already
// describe their hosts: Host blocks with HostName, Port, User, IdentityFile, ProxyJump and
// UserKnownHostsFile. The first value obtained for a keyword wins, as in ssh(1). Syntax cisscan
// does not follow (Match, Include, ProxyCommand, unknown %-tokens) is a warning naming the file
// and line, and the line is ignored; keywords that do not change how a host is reached (Ciphers,
// ForwardAgent, ...) are ignored quietly. StrictHostKeyChecking is never relaxed by it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cisscan {

struct SshConfigEntry {
  std::string hostname;
  int port = 0; // 0: not set
  std::string user;
  std::string identity_file;
  std::string proxy_jump;  // as written: "host", "user@host:port", "a,b" or "none"
  std::string known_hosts; // UserKnownHostsFile (the first file)
};

class SshConfig {
public:
  SshConfig() = default;
  // Reads `path`; a file that cannot be read throws ConfigError.
  static SshConfig load(const std::filesystem::path& path);
  // What the configuration says for the host named `alias` (%h, %u, %d, %% expanded).
  SshConfigEntry lookup(const std::string& alias) const;
  const std::vector<std::string>& warnings() const { return m_warnings; }
  bool empty() const { return m_blocks.empty(); }

private:
  struct Option {
    std::string keyword; // lower case
    std::string value;
    int line = 0;
  };
  struct Block {
    std::vector<std::string> patterns; // "*.lab", "!bastion"
    std::vector<Option> options;
  };
  std::string m_file;
  std::vector<Block> m_blocks;
  std::vector<std::string> m_warnings;
};

// ssh_config(5) host patterns: '*' and '?' wildcards, a leading '!' negates; a negated match
// excludes the block, and at least one plain pattern must match.
bool ssh_host_matches(const std::vector<std::string>& patterns, const std::string& host);

} // namespace cisscan
