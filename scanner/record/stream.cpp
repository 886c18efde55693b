// stream_record: a record file read one host at a time (history --import of a record of any size).
#include "record/record.hpp"
#include "util/error.hpp"
#include "util/file_bytes.hpp"
#include "util/json_file.hpp"

#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

namespace cisscan {

namespace {

using cisscan::json;
using Dom = nlohmann::detail::json_sax_dom_parser<json>;

// nlohmann's SAX interface over a record. Members the filter drops are skipped as they stream
// past; the top-level members kept are built whole (they are small: run, scores); each item of
// "hosts" is built, checked and handed on alone. `m_depth` counts the open containers, so a key
// sits at the depth util::KeepMember gives it.
class RecordSax {
public:
  RecordSax(const std::filesystem::path& path, const util::KeepMember& keep,
            const HostSink& on_host)
      : m_path(path), m_keep(keep), m_on_host(on_host) {}

  bool null() {
    return scalar([](Dom& dom) { return dom.null(); });
  }
  bool boolean(bool value) {
    return scalar([&](Dom& dom) { return dom.boolean(value); });
  }
  bool number_integer(json::number_integer_t value) {
    return scalar([&](Dom& dom) { return dom.number_integer(value); });
  }
  bool number_unsigned(json::number_unsigned_t value) {
    return scalar([&](Dom& dom) { return dom.number_unsigned(value); });
  }
  bool number_float(json::number_float_t value, const json::string_t& text) {
    return scalar([&](Dom& dom) { return dom.number_float(value, text); });
  }
  bool string(json::string_t& value) {
    return scalar([&](Dom& dom) { return dom.string(value); });
  }
  bool binary(json::binary_t& value) {
    return scalar([&](Dom& dom) { return dom.binary(value); });
  }

  bool start_object(std::size_t size) {
    return open(true, [&](Dom& dom) { return dom.start_object(size); });
  }
  bool start_array(std::size_t size) {
    return open(false, [&](Dom& dom) { return dom.start_array(size); });
  }
  bool end_object() {
    return close([](Dom& dom) { return dom.end_object(); });
  }
  bool end_array() {
    return close([](Dom& dom) { return dom.end_array(); });
  }

  bool key(json::string_t& key) {
    if (m_skip_until >= 0) {
      return true;
    }
    const bool top = m_depth == 1;
    if (top) {
      if (!m_top_keys.insert(key).second) {
        throw std::invalid_argument(util::repeated_member(key));
      }
      m_top = key;
      m_saw_hosts = m_saw_hosts || key == "hosts";
    }
    if ((m_keep && !m_keep(m_top, m_depth, key)) || (top && key == "hosts" && !m_on_host)) {
      m_skip_next = true;
      return true;
    }
    if (!top) {
      return !m_dom || m_dom->key(key);
    }
    if (key != "hosts") {
      start_value(1);
    }
    return true;
  }

  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& error) {
    throw error;
  }

  // The kept members besides the hosts; throws as load_record does for a file that is no record.
  json head() && {
    if (!m_head.is_object() || !m_head.contains("schema_version") || !m_saw_hosts) {
      throw ConfigError(m_path.string() + ": not a cisscan record (no schema_version or hosts)");
    }
    m_head["hosts"] = json::array();
    return std::move(m_head);
  }

private:
  template <class Event> bool scalar(Event event) {
    if (m_skip_until >= 0) {
      return true;
    }
    if (m_skip_next) {
      m_skip_next = false;
      return true;
    }
    if (!m_dom) {
      return not_expected();
    }
    const bool ok = event(*m_dom);
    if (m_depth == m_value_depth) {
      finish_value();
    }
    return ok;
  }

  template <class Event> bool open(bool object, Event event) {
    if (++m_depth > util::k_max_json_depth) {
      throw std::length_error("nested deeper than " + std::to_string(util::k_max_json_depth) +
                              " levels");
    }
    if (m_skip_until >= 0) {
      return true;
    }
    if (m_skip_next) {
      m_skip_next = false;
      m_skip_until = m_depth - 1;
      return true;
    }
    if (m_depth == 1) { // the record itself
      if (!object) {
        return not_expected();
      }
      m_head = json::object();
      return true;
    }
    if (m_depth == 2 && !m_dom) { // the list of hosts
      if (object) {
        throw ConfigError(m_path.string() + ": not a valid cisscan record: hosts: expected a list");
      }
      return true;
    }
    if (m_depth == 3 && !m_dom) { // one host
      if (!object) {
        not_a_host();
      }
      start_value(2);
    }
    return event(*m_dom);
  }

  template <class Event> bool close(Event event) {
    --m_depth;
    if (m_skip_until >= 0) {
      if (m_depth == m_skip_until) {
        m_skip_until = -1;
      }
      return true;
    }
    if (!m_dom) {
      return true; // the end of the record or of its list of hosts
    }
    const bool ok = event(*m_dom);
    if (m_depth == m_value_depth) {
      finish_value();
    }
    return ok;
  }

  // A value begins whose containers will close back to `depth`.
  void start_value(int depth) {
    m_value = json();
    m_dom.emplace(m_value);
    m_value_depth = depth;
  }

  void finish_value() {
    m_dom.reset();
    if (m_value_depth == 1) {
      m_head[m_top] = std::move(m_value);
      return;
    }
    validate_record_host(m_path, m_host_index, m_value, m_keep);
    m_on_host(std::move(m_value));
    ++m_host_index;
  }

  bool not_expected() {
    if (m_depth == 2) {
      not_a_host();
    }
    throw ConfigError(m_path.string() + ": not valid JSON: not an object");
  }

  [[noreturn]] void not_a_host() const {
    throw ConfigError(m_path.string() + ": not a valid cisscan record: hosts[" +
                      std::to_string(m_host_index) + "]: expected an object");
  }

  const std::filesystem::path& m_path;
  const util::KeepMember& m_keep;
  const HostSink& m_on_host;
  json m_head;
  std::string m_top;
  std::set<std::string> m_top_keys;
  bool m_saw_hosts = false;
  int m_depth = 0;
  bool m_skip_next = false; // the next value is dropped
  int m_skip_until = -1;    // dropping a container until m_depth is back to this
  json m_value;             // the value being built, by m_dom
  std::optional<Dom> m_dom;
  int m_value_depth = 0;
  size_t m_host_index = 0;
};

} // namespace

json stream_record(const std::filesystem::path& path, const util::KeepMember& keep,
                   const HostSink& on_host) {
  const auto file = util::open_json_file(path);
  RecordSax sax(path, keep, on_host);
  util::FileBytes bytes(file.get());
  try {
    json::sax_parse(bytes.begin(), bytes.end(), &sax);
  } catch (const json::exception& e) { // a syntax error, or a number out of range (1e999)
    throw ConfigError(path.string() + ": not valid JSON: " + util::printable_message(e.what()));
  } catch (const std::logic_error& e) { // nested too deep, or a top-level name repeated
    throw ConfigError(path.string() + ": not valid JSON: " + e.what());
  }
  auto head = std::move(sax).head();
  const util::KeepMember without_hosts = [&keep](std::string_view top, int depth,
                                                 std::string_view key) {
    return !(depth > 1 && top == "hosts") && (!keep || keep(top, depth, key));
  };
  validate_record(path, head, without_hosts);
  return head;
}

} // namespace cisscan
