#include "catalog/probe_fields.hpp"

#include "catalog/probe_types.hpp"
#include "catalog/probe_view.hpp"
#include "util/text.hpp"

#include <charconv>
#include <string>

namespace cisscan {

namespace {

// The value of `key=` in "mode=640 uid=0 ... type=regular file": the key starts the text or
// follows a space; the value runs to the next space (type: to the end).
std::string_view stat_field(std::string_view text, std::string_view key) {
  const std::string needle = std::string(key) + "=";
  size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string_view::npos) {
    if (pos == 0 || text[pos - 1] == ' ') {
      const auto value = text.substr(pos + needle.size());
      return key == "type" ? value : value.substr(0, value.find(' '));
    }
    pos += needle.size();
  }
  return {};
}

// A number written in `base`; nullopt when the text does not start with one.
template <typename T> std::optional<T> number(std::string_view text, int base) {
  T value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  (void)ptr;
  if (text.empty() || ec != std::errc()) {
    return std::nullopt;
  }
  return value;
}

} // namespace

StatFields read_stat_fields(std::string_view output) {
  const auto text = util::trim(output);
  StatFields fields;
  fields.mode = number<unsigned>(stat_field(text, "mode"), 8);
  fields.uid = number<unsigned long>(stat_field(text, "uid"), 10);
  fields.gid = number<unsigned long>(stat_field(text, "gid"), 10);
  fields.owner = stat_field(text, "owner");
  fields.group = stat_field(text, "group");
  fields.type = stat_field(text, "type");
  return fields;
}

ProbeView view_of(const ProbeType* type, ProbeState state, int exit_code, std::string_view output) {
  ProbeView view{state, exit_code, output, {}};
  if (state == ProbeState::ok && type != nullptr && type->fields != nullptr) {
    view.fields = type->fields(output);
  }
  return view;
}

} // namespace cisscan
