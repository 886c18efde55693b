#include "inventory/pve_cluster.hpp"

#include "util/json.hpp"

#include <algorithm>
#include <cctype>

namespace cisscan {

namespace {

json parse(std::string_view text, const std::string& what) {
  auto value = json::parse(text.begin(), text.end(), nullptr, false);
  if (value.is_discarded()) {
    auto start = text.substr(0, std::min<size_t>(text.size(), 40));
    std::string shown;
    for (const char c : start) {
      shown += std::isprint(static_cast<unsigned char>(c)) != 0 ? c : '?';
    }
    throw std::invalid_argument(what + ": the answer is not JSON (it starts '" + shown + "')");
  }
  return value;
}

std::string text_of(const json& item, const char* key) {
  const auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// 0/1 integers in PVE JSON; true/false tolerated.
bool flag_of(const json& item, const char* key) {
  const auto it = item.find(key);
  if (it == item.end()) {
    return false;
  }
  return it->is_boolean() ? it->get<bool>() : it->is_number() && it->get<double>() != 0;
}

const json& list_of(const json& value, const std::string& what) {
  if (!value.is_array()) {
    throw std::invalid_argument(what + ": expected a JSON list");
  }
  for (const auto& item : value) {
    if (!item.is_object()) {
      throw std::invalid_argument(what + ": expected a list of objects");
    }
  }
  return value;
}

// Tags are written `;`-separated (older releases also used `,` and spaces).
std::vector<std::string> split_tags(const std::string& raw) {
  std::vector<std::string> tags;
  std::string current;
  for (const char c : raw + ";") {
    if (c == ';' || c == ',' || c == ' ') {
      if (!current.empty()) {
        tags.push_back(current);
      }
      current.clear();
    } else {
      current += c;
    }
  }
  return tags;
}

} // namespace

std::vector<PveNode> parse_cluster_status(std::string_view text) {
  const std::string what = "pvesh get /cluster/status";
  const auto value = parse(text, what);
  std::vector<PveNode> nodes;
  for (const auto& item : list_of(value, what)) {
    if (text_of(item, "type") != "node") {
      continue;
    }
    PveNode node{text_of(item, "name"), text_of(item, "ip"), flag_of(item, "online")};
    if (node.name.empty()) {
      throw std::invalid_argument(what + ": a node entry has no name");
    }
    nodes.push_back(std::move(node));
  }
  if (nodes.empty()) {
    throw std::invalid_argument(what + ": no node in the answer");
  }
  return nodes;
}

std::vector<PveGuest> parse_cluster_resources(std::string_view text) {
  const std::string what = "pvesh get /cluster/resources --type vm";
  const auto value = parse(text, what);
  std::vector<PveGuest> guests;
  for (const auto& item : list_of(value, what)) {
    PveGuest guest;
    guest.type = text_of(item, "type");
    if (guest.type != "qemu" && guest.type != "lxc") {
      continue;
    }
    const auto vmid = item.find("vmid");
    if (vmid == item.end() || !vmid->is_number_integer() || vmid->get<int>() < 1) {
      throw std::invalid_argument(what + ": a guest entry has no vmid");
    }
    guest.vmid = vmid->get<int>();
    guest.name = text_of(item, "name");
    guest.node = text_of(item, "node");
    guest.status = text_of(item, "status");
    guest.is_template = flag_of(item, "template");
    guest.tags = split_tags(text_of(item, "tags"));
    guest.pool = text_of(item, "pool");
    if (guest.node.empty()) {
      throw std::invalid_argument(what + ": guest " + std::to_string(guest.vmid) + " has no node");
    }
    guests.push_back(std::move(guest));
  }
  return guests;
}

std::string agent_ipv4(std::string_view text) {
  const std::string what = "network-get-interfaces";
  auto value = parse(text, what);
  const auto& interfaces = value.is_object() && value.contains("result") ? value["result"] : value;
  if (!interfaces.is_array()) {
    throw std::invalid_argument(what + ": expected a list of interfaces");
  }
  for (const auto& interface : interfaces) {
    if (!interface.is_object() || text_of(interface, "name") == "lo" ||
        !interface.contains("ip-addresses") || !interface["ip-addresses"].is_array()) {
      continue;
    }
    for (const auto& address : interface["ip-addresses"]) {
      if (!address.is_object() || text_of(address, "ip-address-type") != "ipv4") {
        continue;
      }
      const auto ip = text_of(address, "ip-address");
      // On an interface other than lo, and not link-local (169.254/16).
      if (!ip.empty() && ip.rfind("169.254.", 0) != 0) {
        return ip;
      }
    }
  }
  return {};
}

} // namespace cisscan
