// What util::YamlWriter prints reads back as the same values.
#include "util/yaml_writer.hpp"

#include "util/yaml_node.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cisscan;

TEST_CASE("YamlWriter: what it writes reads back as the same strings") {
  const std::vector<std::string> values = {"null",        "~",   "yes",    "No",  "10.0.0.1",
                                           "22",          "-x",  "a: b",   "#c",  "",
                                           "line\nbreak", "'q'", "\"dq\"", "ünï", "[x]"};
  util::YamlWriter out;
  out.begin_map();
  out.entry("port", 22);
  out.flow_list("values", values);
  out.value("list");
  out.begin_list();
  for (const auto& v : values) {
    out.value(v);
  }
  out.end_list();
  out.end_map();
  const auto text = out.finish();
  CAPTURE(text);
  const auto root = yaml::load(text);
  CHECK(root["port"].as<int>() == 22);
  CHECK_FALSE(root["port"].quoted());
  for (const char* key : {"values", "list"}) {
    std::vector<std::string> read;
    for (const auto& item : root[key]) {
      CHECK(item.IsScalar());
      read.push_back(item.as<std::string>());
    }
    CHECK(read == values);
  }
  util::YamlWriter invalid;
  invalid.begin_map();
  invalid.entry("bytes", std::string("a\xff") + "b");
  invalid.end_map();
  CHECK(yaml::load(invalid.finish())["bytes"].as<std::string>() == "a\xef\xbf\xbd"
                                                                   "b");
}
