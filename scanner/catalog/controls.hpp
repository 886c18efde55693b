// The CIS Controls v8 catalog: controls, safeguards and Implementation Group membership.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

struct Safeguard {
  std::string id;
  std::string control;
  std::string title;
  std::string asset_type;
  std::string function;
  bool ig1 = false;
  bool ig2 = false;
  bool ig3 = false;
};

struct Control {
  std::string id;
  std::string title;
};

class ControlsCatalog {
public:
  // Throws ConfigError naming file and line.
  static ControlsCatalog load(const std::filesystem::path& path);

  const Safeguard* find(std::string_view id) const;
  const std::vector<Safeguard>& safeguards() const { return m_safeguards; }
  const std::vector<Control>& controls() const { return m_controls; }
  size_t ig1_count() const;
  std::string version() const { return m_version; }

private:
  std::string m_version;
  std::vector<Control> m_controls;
  std::vector<Safeguard> m_safeguards;
  std::map<std::string, size_t, std::less<>> m_index;
};

} // namespace cisscan
