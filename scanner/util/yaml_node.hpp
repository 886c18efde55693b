// A parsed YAML document: an immutable tree of nodes read by libyaml's event parser. Every input
// file cisscan reads (checks, controls, risk register, inventory, waivers, gate rules) is one.
// The interface keeps the names yaml-cpp gave the same operations (IsMap, as<T>, Mark, ...),
// which the loaders were written against; yaml-cpp's scanner cost ~60% of a catalog load
// (benchmarks/README.md, issue 9).
//
// What a node means, as yaml-cpp said it: a plain `~`, `null`, `Null`, `NULL` or an empty value
// is null; map[key] of a missing key is an undefined node (false in a condition), which has no
// members in turn; a scalar's as<bool> takes y/yes/true/on and n/no/false/off in lower, upper or
// capitalised case; as<int> reads 0x.. as hex and 0.. as octal; as<std::string> of a null is
// "null". A conversion that cannot be made throws yaml::Exception naming what was expected.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan::yaml {

struct Mark {
  int line = -1; // 0-based; -1: no place in the text
  int column = -1;
  bool is_null() const { return line < 0; }
};

enum class NodeType { Undefined, Null, Scalar, Sequence, Map };

class Exception : public std::runtime_error {
public:
  enum class Kind {
    malformed,     // the text is not YAML
    not_scalar,    // as<std::string> of a list or mapping
    not_integer,   // as<int> / as<long long>
    not_number,    // as<double>
    not_bool,      // as<bool>
    bad_subscript, // a member of a scalar
    invalid_node,  // a member of an undefined node
  };
  Exception(Kind kind, Mark mark, std::string msg);
  Kind kind;
  Mark mark;
  std::string msg;
};

namespace detail {
struct Data;
struct Document;
} // namespace detail

class Entry;

class Node {
public:
  // A null node (what an empty document is).
  Node();
  static Node sequence(); // an empty sequence

  NodeType Type() const;
  bool IsDefined() const { return m_data != nullptr; }
  bool IsNull() const { return Type() == NodeType::Null; }
  bool IsScalar() const { return Type() == NodeType::Scalar; }
  bool IsSequence() const { return Type() == NodeType::Sequence; }
  bool IsMap() const { return Type() == NodeType::Map; }
  explicit operator bool() const { return IsDefined(); }
  bool operator!() const { return !IsDefined(); }

  // A scalar's text ("" for any other node).
  const std::string& Scalar() const;
  // A scalar written quoted or as a block (`'..'`, `".."`, `|`, `>`), not plain.
  bool quoted() const;
  // Where the node starts in the text (yaml-cpp's Mark()).
  yaml::Mark mark() const;
  size_t size() const;

  // A map's value at `key`, or an undefined node; throws on a scalar or an undefined node.
  Node operator[](std::string_view key) const;
  Node operator[](const char* key) const { return (*this)[std::string_view(key)]; }
  Node operator[](const std::string& key) const { return (*this)[std::string_view(key)]; }
  // A sequence's item at `index`, or an undefined node.
  Node operator[](size_t index) const;

  template <typename T> T as() const;

  class const_iterator;
  const_iterator begin() const;
  const_iterator end() const;

private:
  friend class Parser;
  Node(std::shared_ptr<const detail::Document> document, const detail::Data* data)
      : m_document(std::move(document)), m_data(data) {}
  [[noreturn]] void fail(Exception::Kind kind, const std::string& what) const;

  std::shared_ptr<const detail::Document> m_document;
  const detail::Data* m_data = nullptr;
};

template <> std::string Node::as<std::string>() const;
template <> int Node::as<int>() const;
template <> long long Node::as<long long>() const;
template <> double Node::as<double>() const;
template <> bool Node::as<bool>() const;

// What iterating a node gives: for a sequence the item itself; for a map the key and value as
// `first` and `second`.
class Entry : public Node {
public:
  Entry(Node item, Node key, Node value)
      : Node(std::move(item)), first(std::move(key)), second(std::move(value)) {}
  Node first;
  Node second;
};

class Node::const_iterator {
public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = Entry;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = Entry;

  const_iterator() = default;
  Entry operator*() const;
  const_iterator& operator++();
  const_iterator operator++(int) {
    auto old = *this;
    ++*this;
    return old;
  }
  bool operator==(const const_iterator& other) const { return m_index == other.m_index; }
  bool operator!=(const const_iterator& other) const { return m_index != other.m_index; }

private:
  friend class Node;
  const_iterator(Node node, size_t index) : m_node(std::move(node)), m_index(index) {}
  Node m_node;
  size_t m_index = 0;
};

// The first document of `text`; a text that is not YAML throws Exception (malformed) at the
// place of its first problem.
Node load(std::string_view text);

} // namespace cisscan::yaml
