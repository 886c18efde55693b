#include "util/yaml_writer.hpp"

#include "util/text.hpp"

#include <stdexcept>

namespace cisscan::util {

namespace {

int append(void* data, unsigned char* buffer, size_t size) {
  static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
  return 1;
}

// A plain scalar YAML 1.1 readers (ours, PyYAML) would not read back as this string.
bool needs_quotes(const std::string& text) {
  static const char* const k_words[] = {"~",    "null", "Null",  "NULL",  "y",    "Y",   "n",
                                        "N",    "yes",  "Yes",   "YES",   "no",   "No",  "NO",
                                        "on",   "On",   "ON",    "off",   "Off",  "OFF", "true",
                                        "True", "TRUE", "false", "False", "FALSE"};
  for (const auto* word : k_words) {
    if (text == word) {
      return true;
    }
  }
  if (text.empty()) {
    return true;
  }
  // Anything that starts like a number (12, -1, .5, 0x1f, 1e3, 1_000, 12:30).
  const auto first = text[0];
  return (first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.';
}

} // namespace

YamlWriter::YamlWriter() {
  yaml_emitter_initialize(&m_emitter);
  yaml_emitter_set_output(&m_emitter, append, &m_out);
  yaml_emitter_set_unicode(&m_emitter, 1);
  yaml_emitter_set_width(&m_emitter, -1);
  yaml_event_t event;
  yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING);
  emit(event);
  yaml_document_start_event_initialize(&event, nullptr, nullptr, nullptr, 1);
  emit(event);
}

YamlWriter::~YamlWriter() {
  yaml_emitter_delete(&m_emitter);
}

void YamlWriter::emit(yaml_event_t& event) {
  if (yaml_emitter_emit(&m_emitter, &event) == 0) {
    throw std::runtime_error(std::string("cannot write YAML: ") +
                             (m_emitter.problem != nullptr ? m_emitter.problem : "unknown"));
  }
}

void YamlWriter::begin_map() {
  yaml_event_t event;
  yaml_mapping_start_event_initialize(&event, nullptr, nullptr, 1, YAML_BLOCK_MAPPING_STYLE);
  emit(event);
}

void YamlWriter::end_map() {
  yaml_event_t event;
  yaml_mapping_end_event_initialize(&event);
  emit(event);
}

void YamlWriter::begin_list() {
  yaml_event_t event;
  yaml_sequence_start_event_initialize(&event, nullptr, nullptr, 1, YAML_BLOCK_SEQUENCE_STYLE);
  emit(event);
}

void YamlWriter::end_list() {
  yaml_event_t event;
  yaml_sequence_end_event_initialize(&event);
  emit(event);
}

void YamlWriter::scalar(const std::string& text, yaml_scalar_style_t style) {
  yaml_event_t event;
  yaml_scalar_event_initialize(&event, nullptr, nullptr,
                               reinterpret_cast<yaml_char_t*>(const_cast<char*>(text.data())),
                               static_cast<int>(text.size()), 1, 1, style);
  emit(event);
}

void YamlWriter::value(const std::string& text) {
  // Text from elsewhere (a cluster's tags, a reason) may not be UTF-8; the emitter takes only that.
  const auto valid = to_valid_utf8(text);
  scalar(valid, needs_quotes(valid) ? YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
}

void YamlWriter::value(long long number) {
  scalar(std::to_string(number), YAML_PLAIN_SCALAR_STYLE);
}

void YamlWriter::entry(const std::string& key, const std::string& text) {
  value(key);
  value(text);
}

void YamlWriter::entry(const std::string& key, long long number) {
  value(key);
  value(number);
}

void YamlWriter::flow_list(const std::string& key, const std::vector<std::string>& values) {
  value(key);
  yaml_event_t event;
  yaml_sequence_start_event_initialize(&event, nullptr, nullptr, 1, YAML_FLOW_SEQUENCE_STYLE);
  emit(event);
  for (const auto& item : values) {
    value(item);
  }
  end_list();
}

std::string YamlWriter::finish() {
  yaml_event_t event;
  yaml_document_end_event_initialize(&event, 1);
  emit(event);
  yaml_stream_end_event_initialize(&event);
  emit(event);
  yaml_emitter_flush(&m_emitter);
  return m_out;
}

} // namespace cisscan::util
