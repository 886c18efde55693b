// validate_record and validate_record_host: a record against contract::k_record.
#include "record/contract.hpp"
#include "record/record.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <vector>

namespace cisscan {

namespace {

using cisscan::json;

// A member or item of a record, for messages: hosts[0].results[2].status.
struct Where {
  const Where* up;
  std::string_view key; // a member's name; empty: an item of a list, at `index`
  size_t index = 0;
  bool map_key = false; // a key that is data (a host name, a safeguard id), shown quoted
};

// Text of the record (a host name, a status) in a message: quoted, escaped, one line.
std::string as_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string where_text(const Where* where) {
  std::vector<const Where*> chain;
  for (const auto* w = where; w != nullptr; w = w->up) {
    chain.push_back(w);
  }
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const auto& w = **it;
    if (w.map_key) {
      out += "[" + as_text(std::string(w.key)) + "]";
    } else if (w.key.empty()) {
      out += "[" + std::to_string(w.index) + "]";
    } else {
      out += (out.empty() ? "" : ".") + std::string(w.key);
    }
  }
  return out;
}

// Walks a record along contract::k_record; throws the first problem as "WHERE: WHAT".
class ContractCheck {
public:
  // `top`: the top-level member `value` sits under, when checking a part of a record.
  explicit ContractCheck(const util::KeepMember& keep, std::string_view top = {})
      : m_keep(keep), m_top(top) {}

  // `depth`: the containers enclosing `value` (0 for the record), as util::KeepMember counts.
  void check(const json& value, const contract::Shape& shape, int depth, const Where* where) {
    using contract::Kind;
    if (value.is_null() && shape.nullable) {
      return;
    }
    if (!has_kind(value, shape.kind)) {
      fail(where, "expected " + kind_name(shape));
    }
    if (shape.kind == Kind::string && !shape.one_of.empty()) {
      const auto& text = value.get_ref<const std::string&>();
      if (std::find(shape.one_of.begin(), shape.one_of.end(), text) == shape.one_of.end()) {
        std::string allowed;
        for (const auto name : shape.one_of) {
          allowed += (allowed.empty() ? "" : ", ") + std::string(name);
        }
        fail(where, as_text(value) + " is not one of " + allowed);
      }
    } else if (shape.kind == Kind::array && !shape.items.empty()) {
      for (size_t i = 0; i < value.size(); ++i) {
        const Where item{where, {}, i};
        check(value[i], shape.items.front(), depth + 1, &item);
      }
    } else if (shape.kind == Kind::map) {
      for (const auto& [key, member] : value.items()) {
        const Where item{where, key, 0, true};
        check(member, shape.items.front(), depth + 1, &item);
      }
    } else if (shape.kind == Kind::object) {
      for (const auto& member : shape.members) {
        if (m_keep && !m_keep(depth == 0 ? member.key : m_top, depth + 1, member.key)) {
          continue; // dropped by the reader's filter: not there to check
        }
        const auto it = value.find(std::string(member.key));
        if (it == value.end()) {
          if (member.required) {
            fail(where, "missing '" + std::string(member.key) + "'");
          }
          continue;
        }
        if (depth == 0) {
          m_top = member.key;
        }
        const Where inner{where, member.key};
        check(*it, member.shape, depth + 1, &inner);
      }
    }
  }

private:
  static bool has_kind(const json& value, contract::Kind kind) {
    switch (kind) {
    case contract::Kind::string:
      return value.is_string();
    case contract::Kind::integer:
      return value.is_number_integer();
    case contract::Kind::number:
      return value.is_number();
    case contract::Kind::boolean:
      return value.is_boolean();
    case contract::Kind::array:
      return value.is_array();
    default:
      return value.is_object();
    }
  }

  static std::string kind_name(const contract::Shape& shape) {
    static const std::map<contract::Kind, std::string> k_names = {
        {contract::Kind::string, "a string"},  {contract::Kind::integer, "a whole number"},
        {contract::Kind::number, "a number"},  {contract::Kind::boolean, "true or false"},
        {contract::Kind::object, "an object"}, {contract::Kind::array, "a list"},
        {contract::Kind::map, "an object"}};
    return k_names.at(shape.kind) + (shape.nullable ? " or null" : "");
  }

  [[noreturn]] static void fail(const Where* where, const std::string& what) {
    throw std::invalid_argument(where == nullptr ? what : where_text(where) + ": " + what);
  }

  const util::KeepMember& m_keep;
  std::string_view m_top; // the top-level member being checked
};

} // namespace

void validate_record(const std::filesystem::path& path, const json& record,
                     const util::KeepMember& keep) {
  try {
    ContractCheck(keep).check(record, contract::k_record, 0, nullptr);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(path.string() + ": not a valid cisscan record: " + e.what());
  }
}

void validate_record_host(const std::filesystem::path& path, size_t index, const json& host,
                          const util::KeepMember& keep) {
  try {
    const Where hosts{nullptr, "hosts"};
    const Where item{&hosts, {}, index};
    ContractCheck(keep, "hosts").check(host, contract::k_host, 2, &item);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(path.string() + ": not a valid cisscan record: " + e.what());
  }
}

} // namespace cisscan
