// The YAML tree (util/yaml_node.hpp) read as the loaders were written to read it.
#include "util/yaml_node.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

yaml::Exception::Kind error_kind(const std::function<void()>& step) {
  try {
    step();
  } catch (const yaml::Exception& e) {
    return e.kind;
  }
  FAIL("no yaml::Exception");
  return yaml::Exception::Kind::malformed;
}

} // namespace

TEST_CASE("YAML nodes: null, scalars, quoting") {
  const auto root = yaml::load("a: ~\nb:\nc: null\nd: 'null'\ne: NULL\nf: \"\"\ng: text\n"
                               "h: |\n  block\n");
  REQUIRE(root.IsMap());
  CHECK(root.size() == 8);
  for (const char* key : {"a", "b", "c", "e"}) {
    CAPTURE(key);
    CHECK(root[key].IsNull());
    CHECK(root[key]); // a null value is there, unlike a missing key
    CHECK(root[key].as<std::string>() == "null");
  }
  CHECK(root["d"].IsScalar());
  CHECK(root["d"].quoted());
  CHECK(root["d"].as<std::string>() == "null");
  CHECK(root["f"].IsScalar());
  CHECK(root["f"].Scalar().empty());
  CHECK_FALSE(root["g"].quoted());
  CHECK(root["h"].quoted()); // a block scalar is not plain
  CHECK(root["h"].as<std::string>() == "block\n");
  CHECK_FALSE(root["missing"]);
  CHECK_FALSE(root["missing"].IsDefined());
  CHECK(root["missing"].Type() == yaml::NodeType::Undefined);
  CHECK(yaml::load("").IsNull());
  CHECK(yaml::load("# only a comment\n").IsNull());
}

TEST_CASE("YAML nodes: conversions and their errors") {
  const auto root = yaml::load("i: 42\nneg: -7\nhex: 0x1f\noct: 010\nbad: 4x\nspace: ' 5'\n"
                               "f: 2.5\ninf: .inf\nlist: [1, 2]\nmap: {k: v}\n");
  CHECK(root["i"].as<int>() == 42);
  CHECK(root["neg"].as<long long>() == -7);
  CHECK(root["hex"].as<int>() == 31);
  CHECK(root["oct"].as<int>() == 8);
  CHECK(root["f"].as<double>() == 2.5);
  CHECK(root["inf"].as<double>() > 1e308);
  using Kind = yaml::Exception::Kind;
  CHECK(error_kind([&] { (void)root["bad"].as<int>(); }) == Kind::not_integer);
  CHECK(error_kind([&] { (void)root["space"].as<int>(); }) == Kind::not_integer);
  CHECK(error_kind([&] { (void)root["list"].as<int>(); }) == Kind::not_integer);
  CHECK(error_kind([&] { (void)root["bad"].as<double>(); }) == Kind::not_number);
  CHECK(error_kind([&] { (void)root["list"].as<std::string>(); }) == Kind::not_scalar);
  CHECK(error_kind([&] { (void)root["map"].as<std::string>(); }) == Kind::not_scalar);
  CHECK(error_kind([&] { (void)root["i"]["x"]; }) == Kind::bad_subscript);
  CHECK(error_kind([&] { (void)root["missing"]["x"]; }) == Kind::invalid_node);
  CHECK_FALSE(root["list"]["x"]); // a list has no named members
  CHECK(root["list"][1].as<int>() == 2);
  CHECK_FALSE(root["list"][2]);
  CHECK(error_kind([&] { (void)root["missing"].as<int>(); }) == Kind::not_integer);
}

TEST_CASE("YAML nodes: booleans as YAML 1.1 writes them") {
  for (const char* yes : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "ON", "y", "Y"}) {
    CAPTURE(yes);
    CHECK(yaml::load(std::string("v: ") + yes)["v"].as<bool>());
  }
  for (const char* no : {"false", "False", "FALSE", "no", "No", "off", "Off", "n", "N"}) {
    CAPTURE(no);
    CHECK_FALSE(yaml::load(std::string("v: ") + no)["v"].as<bool>());
  }
  for (const char* neither : {"tRUE", "1", "0", "yess", "~"}) {
    CAPTURE(neither);
    CHECK(error_kind([&] { (void)yaml::load(std::string("v: ") + neither)["v"].as<bool>(); }) ==
          yaml::Exception::Kind::not_bool);
  }
}

TEST_CASE("YAML nodes: iteration, order, anchors and places") {
  const auto root = yaml::load("base: &b {x: 1}\nitems:\n  - one\n  - *b\n  - {z: 2, a: 3}\n");
  std::vector<std::string> keys;
  for (const auto& item : root) {
    keys.push_back(item.first.as<std::string>());
  }
  CHECK(keys == std::vector<std::string>{"base", "items"});
  const auto items = root["items"];
  REQUIRE(items.IsSequence());
  std::vector<yaml::Node> list(items.begin(), items.end());
  REQUIRE(list.size() == 3);
  CHECK(list[0].as<std::string>() == "one");
  CHECK(list[1]["x"].as<int>() == 1); // the alias reads as its anchor's node
  std::vector<std::string> order;
  for (const auto& item : list[2]) {
    order.push_back(item.first.as<std::string>());
  }
  CHECK(order == std::vector<std::string>{"z", "a"}); // as written, not sorted
  CHECK(root["items"].mark().line == 2);              // 0-based: the first item's line
  CHECK(list[2]["a"].mark().line == 4);
  for (const auto& item : root) {
    CHECK(item.first.mark().line == (item.first.as<std::string>() == "base" ? 0 : 1));
  }
  CHECK(yaml::load("a: 1\n---\nb: 2\n")["a"].as<int>() == 1); // the first document only
}

TEST_CASE("YAML text that is not YAML is refused at its line") {
  const auto line_of_error = [](const std::string& text) {
    try {
      (void)yaml::load(text);
    } catch (const yaml::Exception& e) {
      CHECK(e.kind == yaml::Exception::Kind::malformed);
      CHECK_FALSE(e.msg.empty());
      return e.mark.line + 1;
    }
    return 0;
  };
  CHECK(line_of_error("a: 1\nb: [\n") == 3);
  CHECK(line_of_error("a: 1\nb: x: y\n") == 2);
  CHECK(line_of_error("a: 1\nb: a\x1b[2J\n") == 2); // a control character: the reader's error
  CHECK(line_of_error("a: 1\nb: \xff\xfe\n") == 2); // not UTF-8
  CHECK(line_of_error("a: *nowhere\n") == 1);
  CHECK(line_of_error("a: &s [1, *s]\n") == 1); // an alias cannot name the list it is in
  // A "billion laughs": each level names the one before it ten times.
  std::string laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 8; ++i) {
    const auto before = "*a" + std::to_string(i - 1);
    laughs += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) {
      laughs += (j == 0 ? "" : ", ") + before;
    }
    laughs += "]\n";
  }
  CHECK(line_of_error(laughs) == 6); // a5 passes a million values (a4 names 111,111)
}
