// The YAML tree (yaml_node.hpp), built from libyaml's events.
#include "util/yaml_node.hpp"

#include <yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <sstream>

namespace cisscan::yaml {

namespace detail {

struct Data {
  NodeType type = NodeType::Null;
  bool quoted = false;
  Mark mark;
  std::string scalar;
  std::vector<const Data*> items; // a sequence's items; a map's keys and values, alternating
  size_t weight = 1;              // nodes in this one, aliases counted as what they name
};

// Every node of one document; nodes point at each other (an alias at its anchor's node), and
// each Node handle keeps the document alive.
struct Document {
  std::deque<Data> nodes;
};

} // namespace detail

using detail::Data;
using detail::Document;

namespace {

const Data& null_data() {
  static const Data data;
  return data;
}

// What yaml-cpp reads as null: an untagged plain scalar of these.
bool is_null_text(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

const std::string& empty_string() {
  static const std::string empty;
  return empty;
}

} // namespace

Exception::Exception(Kind kind_, yaml::Mark mark_, std::string msg_)
    : std::runtime_error(msg_), kind(kind_), mark(mark_), msg(std::move(msg_)) {}

Node::Node() : m_data(&null_data()) {}

Node Node::sequence() {
  auto document = std::make_shared<Document>();
  auto& data = document->nodes.emplace_back();
  data.type = NodeType::Sequence;
  return Node(std::move(document), &data);
}

NodeType Node::Type() const {
  return m_data == nullptr ? NodeType::Undefined : m_data->type;
}

const std::string& Node::Scalar() const {
  return IsScalar() ? m_data->scalar : empty_string();
}

bool Node::quoted() const {
  return IsScalar() && m_data->quoted;
}

yaml::Mark Node::mark() const {
  return m_data == nullptr ? yaml::Mark{} : m_data->mark;
}

size_t Node::size() const {
  switch (Type()) {
  case NodeType::Sequence:
    return m_data->items.size();
  case NodeType::Map:
    return m_data->items.size() / 2;
  default:
    return 0;
  }
}

void Node::fail(Exception::Kind kind, const std::string& what) const {
  throw Exception(kind, mark(), what);
}

Node Node::operator[](std::string_view key) const {
  switch (Type()) {
  case NodeType::Undefined:
    fail(Exception::Kind::invalid_node, "a member of a value that is not there");
  case NodeType::Scalar:
    fail(Exception::Kind::bad_subscript, "a member of a single value");
  case NodeType::Map:
    for (size_t i = 0; i + 1 < m_data->items.size(); i += 2) {
      const auto* k = m_data->items[i];
      if ((k->type == NodeType::Scalar && k->scalar == key) ||
          (k->type == NodeType::Null && key == "null")) {
        return Node(m_document, m_data->items[i + 1]);
      }
    }
    return Node(m_document, nullptr);
  default:
    return Node(m_document, nullptr); // a sequence or null has no named members
  }
}

Node Node::operator[](size_t index) const {
  if (IsSequence() && index < m_data->items.size()) {
    return Node(m_document, m_data->items[index]);
  }
  return (*this)[std::string_view(std::to_string(index))];
}

template <> std::string Node::as<std::string>() const {
  if (IsNull()) {
    return "null";
  }
  if (!IsScalar()) {
    fail(Exception::Kind::not_scalar, "expected one value");
  }
  return m_data->scalar;
}

namespace {

// A number as yaml-cpp's stream conversion reads it: the base from the prefix (0x hex, 0
// octal), no leading space, the whole text used.
template <typename T> bool read_number(const std::string& text, T& out) {
  std::istringstream stream(text);
  stream.unsetf(std::ios::dec);
  if ((stream >> std::noskipws >> out) && (stream >> std::ws).eof()) {
    return true;
  }
  if constexpr (std::numeric_limits<T>::has_infinity) {
    if (text == ".inf" || text == ".Inf" || text == ".INF" || text == "+.inf" || text == "+.Inf" ||
        text == "+.INF") {
      out = std::numeric_limits<T>::infinity();
      return true;
    }
    if (text == "-.inf" || text == "-.Inf" || text == "-.INF") {
      out = -std::numeric_limits<T>::infinity();
      return true;
    }
    if (text == ".nan" || text == ".NaN" || text == ".NAN") {
      out = std::numeric_limits<T>::quiet_NaN();
      return true;
    }
  }
  return false;
}

template <typename T> T number_of(const Node& node, Exception::Kind kind, const char* what) {
  T out{};
  if (!node.IsScalar() || !read_number(node.Scalar(), out)) {
    throw Exception(kind, node.mark(), what);
  }
  return out;
}

} // namespace

template <> int Node::as<int>() const {
  return number_of<int>(*this, Exception::Kind::not_integer, "expected a whole number");
}

template <> long long Node::as<long long>() const {
  return number_of<long long>(*this, Exception::Kind::not_integer, "expected a whole number");
}

template <> double Node::as<double>() const {
  return number_of<double>(*this, Exception::Kind::not_number, "expected a number");
}

template <> bool Node::as<bool>() const {
  if (IsScalar()) {
    // Lower, upper or capitalised case, as YAML 1.1 writes its booleans.
    const auto& text = m_data->scalar;
    std::string lower;
    bool all_lower = true;
    bool all_upper = true;
    for (size_t i = 0; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      all_lower = all_lower && (std::islower(c) != 0 || (i == 0 && std::isupper(c) != 0));
      all_upper = all_upper && std::isupper(c) != 0;
      lower += static_cast<char>(std::tolower(c));
    }
    if (all_lower || all_upper) {
      static const std::array<std::pair<const char*, const char*>, 4> k_words = {
          {{"y", "n"}, {"yes", "no"}, {"true", "false"}, {"on", "off"}}};
      for (const auto& [yes, no] : k_words) {
        if (lower == yes) {
          return true;
        }
        if (lower == no) {
          return false;
        }
      }
    }
  }
  fail(Exception::Kind::not_bool, "expected true or false");
}

Node::const_iterator Node::begin() const {
  return const_iterator(*this, 0);
}

Node::const_iterator Node::end() const {
  const auto type = Type();
  const bool container = type == NodeType::Sequence || type == NodeType::Map;
  return const_iterator(*this, container ? m_data->items.size() : 0);
}

Entry Node::const_iterator::operator*() const {
  const auto& items = m_node.m_data->items;
  if (m_node.IsMap()) {
    return Entry(Node(), Node(m_node.m_document, items[m_index]),
                 Node(m_node.m_document, items[m_index + 1]));
  }
  return Entry(Node(m_node.m_document, items[m_index]), Node(), Node());
}

Node::const_iterator& Node::const_iterator::operator++() {
  m_index += m_node.IsMap() ? 2 : 1;
  return *this;
}

// Builds the tree from libyaml's events: containers on a stack, each event's node appended to
// the innermost open one; anchors remembered for the aliases that name them.
class Parser {
public:
  explicit Parser(std::string_view text) : m_text(text) {
    yaml_parser_initialize(&m_parser);
    yaml_parser_set_input_string(&m_parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Parser() { yaml_parser_delete(&m_parser); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  Node run() {
    auto document = std::make_shared<Document>();
    m_document = document.get();
    const Data* root = nullptr;
    for (;;) {
      yaml_event_t event;
      if (yaml_parser_parse(&m_parser, &event) == 0) {
        malformed();
      }
      // The event's strings are freed however on_event leaves (it throws at a bad alias).
      const struct Freed {
        yaml_event_t* event;
        ~Freed() { yaml_event_delete(event); }
      } freed{&event};
      if (on_event(event, root) || event.type == YAML_STREAM_END_EVENT) {
        break;
      }
    }
    return root == nullptr ? Node() : Node(std::move(document), root);
  }

private:
  [[noreturn]] void malformed() const {
    std::string what = m_parser.problem != nullptr ? m_parser.problem : "not YAML";
    if (m_parser.context != nullptr) {
      what += std::string(" ") + m_parser.context;
    }
    auto at = m_parser.problem_mark;
    if (m_parser.error == YAML_READER_ERROR) {
      // The reader (bytes that are not text: a control character, invalid UTF-8) gives only the
      // offset; its line is counted here.
      const auto before = m_text.substr(0, std::min(m_parser.problem_offset, m_text.size()));
      at.line = static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
      at.column = before.size() - (before.rfind('\n') + 1);
    }
    throw Exception(Exception::Kind::malformed,
                    yaml::Mark{static_cast<int>(at.line), static_cast<int>(at.column)}, what);
  }

  static yaml::Mark mark_of(const yaml_event_t& event) {
    return {static_cast<int>(event.start_mark.line), static_cast<int>(event.start_mark.column)};
  }

  Data& add(const yaml_event_t& event, NodeType type) {
    auto& data = m_document->nodes.emplace_back();
    data.type = type;
    data.mark = mark_of(event);
    return data;
  }

  void remember(const yaml_char_t* anchor, const Data& data) {
    if (anchor != nullptr) {
      m_anchors[reinterpret_cast<const char*>(anchor)] = &data;
    }
  }

  // Appends `data` to the open container, or makes it the root.
  void place(const Data* data, const Data*& root) {
    if (m_open.empty()) {
      root = data;
    } else {
      m_open.back().data->items.push_back(data);
    }
  }

  bool on_event(const yaml_event_t& event, const Data*& root) {
    switch (event.type) {
    case YAML_SCALAR_EVENT: {
      const auto& s = event.data.scalar;
      std::string_view text(reinterpret_cast<const char*>(s.value), s.length);
      const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
      const bool null = plain && s.tag == nullptr && is_null_text(text);
      auto& data = add(event, null ? NodeType::Null : NodeType::Scalar);
      if (!null) {
        data.scalar = text;
        data.quoted = !plain && s.tag == nullptr;
      }
      remember(s.anchor, data);
      place(&data, root);
      return false;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
      const bool map = event.type == YAML_MAPPING_START_EVENT;
      auto& data = add(event, map ? NodeType::Map : NodeType::Sequence);
      const auto* anchor = map ? event.data.mapping_start.anchor : event.data.sequence_start.anchor;
      place(&data, root);
      m_open.push_back({&data, anchor == nullptr ? "" : reinterpret_cast<const char*>(anchor)});
      return false;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      // A container's anchor names it once it is whole: an alias inside it cannot name it, so
      // the tree has no cycle.
      if (!m_open.back().anchor.empty()) {
        m_anchors[m_open.back().anchor] = m_open.back().data;
      }
      for (const auto* item : m_open.back().data->items) {
        m_open.back().data->weight += item->weight;
      }
      m_open.pop_back();
      return false;
    case YAML_ALIAS_EVENT: {
      const auto* name = reinterpret_cast<const char*>(event.data.alias.anchor);
      const auto it = m_anchors.find(name);
      if (it == m_anchors.end()) {
        throw Exception(Exception::Kind::malformed, mark_of(event),
                        std::string("unknown anchor '") + name + "'");
      }
      // Aliases of aliases grow a tree exponentially while the text stays small (a "billion
      // laughs"): every reader walks it whole, so past a bound the text is refused.
      m_expanded += it->second->weight;
      if (m_expanded > k_max_expanded) {
        throw Exception(Exception::Kind::malformed, mark_of(event),
                        "aliases expand to more than " + std::to_string(k_max_expanded) +
                            " values");
      }
      place(it->second, root);
      return false;
    }
    case YAML_DOCUMENT_END_EVENT:
      return true; // the first document is the file's; what follows is not read
    default:
      return false;
    }
  }

  static constexpr size_t k_max_expanded = 1'000'000;

  std::string_view m_text;
  size_t m_expanded = 0; // values that aliases add to the tree
  yaml_parser_t m_parser{};
  Document* m_document = nullptr;
  struct Open {
    Data* data;
    std::string anchor;
  };
  std::vector<Open> m_open;
  std::map<std::string, const Data*> m_anchors;
};

Node load(std::string_view text) {
  return Parser(text).run();
}

} // namespace cisscan::yaml
