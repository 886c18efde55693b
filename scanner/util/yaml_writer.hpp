// Writing YAML (what `cisscan discover` prints), through libyaml's emitter: it quotes and escapes
// every value as YAML needs. A string that a reader would take for something else (null, a
// boolean, a number) is written quoted, so it reads back as the same string.
#pragma once

#include <yaml.h>

#include <string>
#include <vector>

namespace cisscan::util {

class YamlWriter {
public:
  YamlWriter();
  ~YamlWriter();
  YamlWriter(const YamlWriter&) = delete;
  YamlWriter& operator=(const YamlWriter&) = delete;

  void begin_map();
  void end_map();
  void begin_list();
  void end_list();
  void value(const std::string& text);
  void value(long long number);
  // key: value, inside a map.
  void entry(const std::string& key, const std::string& text);
  void entry(const std::string& key, long long number);
  // key: [a, b], inside a map.
  void flow_list(const std::string& key, const std::vector<std::string>& values);
  // The document, once every map and list is closed.
  std::string finish();

private:
  void scalar(const std::string& text, yaml_scalar_style_t style);
  void emit(yaml_event_t& event);

  yaml_emitter_t m_emitter{};
  std::string m_out;
};

} // namespace cisscan::util
