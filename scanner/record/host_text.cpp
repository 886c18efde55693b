#include "record/host_text.hpp"

namespace cisscan {

namespace {

const std::vector<util::MemberText>* members_of(const cisscan::json& result,
                                                const ResultMembers& members) {
  if (!result.is_object()) {
    return nullptr;
  }
  const auto id = result.find("check_id");
  if (id == result.end() || !id->is_string()) {
    return nullptr;
  }
  const auto found = members.by_check.find(id->get_ref<const std::string&>());
  return found == members.by_check.end() ? nullptr : &found->second;
}

void append_results(std::string& out, const cisscan::json& results, const ResultMembers& members) {
  out += '[';
  bool first = true;
  for (const auto& result : results) {
    if (!first) {
      out += ',';
    }
    first = false;
    if (const auto* more = members_of(result, members)) {
      util::append_compact_json_with(out, result, *more);
    } else {
      util::append_compact_json(out, result);
    }
  }
  out += ']';
}

} // namespace

void append_host_text(std::string& out, const cisscan::json& host, const ResultMembers* members) {
  if (members == nullptr || !host.is_object()) {
    util::append_compact_json(out, host);
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& [key, member] : host.items()) {
    util::append_member_key(out, first, key);
    if (key == "results" && member.is_array()) {
      append_results(out, member, *members);
    } else {
      util::append_compact_json(out, member);
    }
  }
  out += '}';
}

} // namespace cisscan
