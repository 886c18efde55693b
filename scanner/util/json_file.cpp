#include "util/json_file.hpp"

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/json_reader.hpp"
#include "util/text.hpp"

#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

namespace cisscan::util {

namespace {

namespace od = simdjson::ondemand;

class Builder {
public:
  explicit Builder(const KeepMember& keep) : m_keep(keep) {}

  // `depth`: the containers enclosing the value.
  json value(od::value value, int depth) {
    const auto type = value.type().value();
    if ((type == od::json_type::object || type == od::json_type::array) &&
        depth >= k_max_json_depth) {
      throw simdjson::simdjson_error(simdjson::DEPTH_ERROR);
    }
    switch (type) {
    case od::json_type::object:
      return object(value.get_object(), depth + 1);
    case od::json_type::array: {
      json out = json::array();
      auto& items = out.get_ref<json::array_t&>();
      for (auto item : value.get_array()) {
        items.push_back(this->value(item.value(), depth + 1));
      }
      return out;
    }
    case od::json_type::string:
      return json(std::string(std::string_view(value.get_string())));
    case od::json_type::boolean:
      return json(bool(value.get_bool()));
    case od::json_type::null:
      if (!value.is_null()) {
        throw simdjson::simdjson_error(simdjson::N_ATOM_ERROR);
      }
      return json(nullptr);
    case od::json_type::number:
      return number(value.get_number());
    }
    throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE);
  }

  // `level`: this object's own nesting level, the depth its keys are at.
  json object(od::object object, int level) {
    json out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    for (auto field : object) {
      const std::string_view key = field.unescaped_key();
      if (m_keep && !m_keep(level == 1 ? key : std::string_view(m_top), level, key)) {
        continue; // its value is skipped by the next step of the iteration
      }
      // The record's keys come sorted (they were written from a sorted map): the hint makes
      // each insertion constant time. A repeated key keeps its last value, as nlohmann's does.
      std::string name(key);
      if (level == 1) {
        m_top = name;
      }
      members.insert_or_assign(members.end(), std::move(name), value(field.value(), level));
    }
    return out;
  }

private:
  static json number(od::number number) {
    switch (number.get_number_type()) {
    case od::number_type::signed_integer: {
      // Non-negative integers are unsigned, as nlohmann's own parser makes them.
      const int64_t n = number.get_int64();
      return n >= 0 ? json(static_cast<uint64_t>(n)) : json(n);
    }
    case od::number_type::unsigned_integer:
      return json(number.get_uint64());
    default: {
      const double value = number.get_double();
      if (!std::isfinite(value)) { // no JSON text can mean infinity
        throw simdjson::simdjson_error(simdjson::NUMBER_ERROR);
      }
      return json(value);
    }
    }
  }

  const KeepMember& m_keep;
  std::string m_top; // the top-level member being built
};

std::string where(const std::filesystem::path& path, std::string_view text, od::document& doc) {
  const char* location = nullptr;
  if (doc.current_location().get(location) == simdjson::SUCCESS && location != nullptr &&
      location >= text.data() && location <= text.data() + text.size()) {
    const auto line = 1 + std::count(text.data(), location, '\n');
    return path.string() + ":" + std::to_string(line);
  }
  return path.string();
}

} // namespace

std::string printable_message(std::string_view message) {
  std::string out;
  for (const char c : to_valid_utf8(message)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      static constexpr char k_hex[] = "0123456789abcdef";
      out += "\\x";
      out += k_hex[byte >> 4];
      out += k_hex[byte & 15];
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

// nlohmann's own DOM builder, refusing containers nested deeper than k_max_json_depth (its
// parser keeps its own stack, but whoever walks the value recurses).
class DepthLimitedDom : public nlohmann::detail::json_sax_dom_parser<json> {
public:
  explicit DepthLimitedDom(json& root) : json_sax_dom_parser(root) {}

  bool start_object(std::size_t n) { return deeper() && json_sax_dom_parser::start_object(n); }
  bool start_array(std::size_t n) { return deeper() && json_sax_dom_parser::start_array(n); }
  bool end_object() {
    --m_depth;
    return json_sax_dom_parser::end_object();
  }
  // A name the top-level object repeats is refused: a reader that streams the object (history
  // --import) cannot keep only the last value, as a parser that builds it would.
  bool key(json::string_t& name) {
    if (m_depth == 1 && !m_top_keys.insert(name).second) {
      throw std::invalid_argument(repeated_member(name));
    }
    return json_sax_dom_parser::key(name);
  }
  bool end_array() {
    --m_depth;
    return json_sax_dom_parser::end_array();
  }

private:
  bool deeper() {
    if (++m_depth > k_max_json_depth) {
      throw std::length_error("nested deeper than " + std::to_string(k_max_json_depth) + " levels");
    }
    return true;
  }

  int m_depth = 0;
  std::set<std::string> m_top_keys;
};

template <class Input> json checked_parse(const std::filesystem::path& path, Input&& input) {
  json out;
  try {
    DepthLimitedDom dom(out);
    json::sax_parse(std::forward<Input>(input), &dom);
  } catch (const json::exception& e) { // a syntax error, or a number out of range (1e999)
    throw ConfigError(path.string() + ": not valid JSON: " + printable_message(e.what()));
  } catch (const std::logic_error& e) { // nested too deep, or a top-level name repeated
    throw ConfigError(path.string() + ": not valid JSON: " + e.what());
  }
  if (!out.is_object()) {
    throw ConfigError(path.string() + ": not valid JSON: not an object");
  }
  return out;
}

json parse_filtered(const std::filesystem::path& path, simdjson::padded_string_view text,
                    const KeepMember& keep) {
  od::parser parser;
  od::document doc;
  if (const auto error = parser.iterate(text).get(doc); error != simdjson::SUCCESS) {
    // Found by the first pass over the whole text (an unclosed string, invalid UTF-8): there is
    // no document to say where.
    throw ConfigError(path.string() + ": not valid JSON: " + simdjson::error_message(error));
  }
  try {
    Builder builder(keep);
    json out = builder.object(doc.get_object(), 1);
    const char* rest = nullptr;
    if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
      throw simdjson::simdjson_error(simdjson::TRAILING_CONTENT);
    }
    return out;
  } catch (const simdjson::simdjson_error& e) {
    throw ConfigError(where(path, text, doc) +
                      ": not valid JSON: " + simdjson::error_message(e.error()));
  }
}

} // namespace

std::string repeated_member(std::string_view name) {
  return "the top-level member \"" + printable_message(name) + "\" appears twice";
}

std::unique_ptr<FILE, int (*)(FILE*)> open_json_file(const std::filesystem::path& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) {
    throw ConfigError(path.string() + ": cannot read");
  }
  std::setvbuf(file.get(), nullptr, _IOFBF, 1 << 20);
  return file;
}

json load_json_object(const std::filesystem::path& path) {
  {
    const auto file = open_json_file(path);
    struct stat status {};
    if (::fstat(::fileno(file.get()), &status) == 0 && S_ISREG(status.st_mode)) {
      if (auto value = read_json_object(file.get())) {
        return std::move(*value);
      }
    } else { // a pipe cannot be read again: nlohmann's parser reads it the first time
      return checked_parse(path, file.get());
    }
  }
  // Text the fast reader leaves to nlohmann's parser (an error, a byte order mark, a number out
  // of range): read again, so that what is accepted and every message stay nlohmann's.
  const auto file = open_json_file(path);
  return checked_parse(path, file.get());
}

json parse_json_object(const std::filesystem::path& path, std::string_view text) {
  if (auto value = read_json_object(text)) {
    return std::move(*value);
  }
  return checked_parse(path, text);
}

json parse_json_object(const std::filesystem::path& path, const std::string& text,
                       const KeepMember& keep) {
  if (text.capacity() >= text.size() + simdjson::SIMDJSON_PADDING) {
    return parse_filtered(
        path, simdjson::padded_string_view(text.data(), text.size(), text.capacity()), keep);
  }
  const simdjson::padded_string padded(text);
  return parse_filtered(path, padded, keep);
}

json load_json_object(const std::filesystem::path& path, const KeepMember& keep) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path.string()).get(text) != simdjson::SUCCESS) {
    throw ConfigError(path.string() + ": cannot read");
  }
  return parse_filtered(path, text, keep);
}

} // namespace cisscan::util
