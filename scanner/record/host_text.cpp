#include "record/host_text.hpp"

namespace cisscan {

namespace {

// The members `by` holds for `item`, found by its member `key` ("check_id").
const std::vector<util::MemberText>*
members_of(const cisscan::json& item,
           const std::unordered_map<std::string, std::vector<util::MemberText>>& by,
           const char* key) {
  if (!item.is_object()) {
    return nullptr;
  }
  const auto id = item.find(key);
  if (id == item.end() || !id->is_string()) {
    return nullptr;
  }
  const auto found = by.find(id->get_ref<const std::string&>());
  return found == by.end() ? nullptr : &found->second;
}

void append_items(std::string& out, const cisscan::json& items,
                  const std::unordered_map<std::string, std::vector<util::MemberText>>& by,
                  const char* key) {
  out += '[';
  bool first = true;
  for (const auto& item : items) {
    if (!first) {
      out += ',';
    }
    first = false;
    if (const auto* more = members_of(item, by, key)) {
      util::append_compact_json_with(out, item, *more);
    } else {
      util::append_compact_json(out, item);
    }
  }
  out += ']';
}

} // namespace

void append_host_text(std::string& out, const cisscan::json& host, const ResultMembers* members,
                      std::string_view probes) {
  if ((members == nullptr && probes.empty()) || !host.is_object()) {
    util::append_compact_json(out, host);
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& [key, member] : host.items()) {
    util::append_member_key(out, first, key);
    if (key == "probes" && !probes.empty()) {
      out += probes;
    } else if (members == nullptr) {
      util::append_compact_json(out, member);
    } else if (key == "results" && member.is_array()) {
      append_items(out, member, members->by_check, "check_id");
    } else {
      util::append_compact_json(out, member);
    }
  }
  out += '}';
}

} // namespace cisscan
