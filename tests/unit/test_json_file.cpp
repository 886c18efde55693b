#include "util/json_file.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"
#include "util/file_bytes.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

const char* const k_record = R"({"b": [1, -2, 3.5, 18446744073709551615, true, false, null],
  "a": {"text": "caf\u00e9 \"q\" \n", "drop": {"x": [1, 2]}, "keep": {"drop": 1, "y": 2}},
  "hosts": [{"name": "h1", "probes": [{"output": "long"}], "results": [{"drop": 0}]}]})";

} // namespace

TEST_CASE("load_json_object gives the values nlohmann's own parser gives") {
  const TempDir dir;
  const auto file = dir.write("record.json", k_record);
  const auto loaded = util::load_json_object(file);
  CHECK(loaded == json::parse(k_record));
  CHECK(loaded.dump() == json::parse(k_record).dump());
  // Every member kept, the filtering parser agrees with the whole one.
  const auto all =
      util::load_json_object(file, [](std::string_view, int, std::string_view) { return true; });
  CHECK(all == loaded);
  CHECK(all.dump() == loaded.dump());
  CHECK(all["b"][0].is_number_unsigned());
  CHECK(all["b"][1].is_number_integer());
  CHECK(all["b"][2].is_number_float());
}

TEST_CASE("load_json_object with a filter skips members at the depth asked") {
  const TempDir dir;
  const auto file = dir.write("record.json", k_record);
  std::vector<std::string> tops;
  const auto kept =
      util::load_json_object(file, [&](std::string_view top, int depth, std::string_view key) {
        tops.push_back(std::string(top) + "/" + std::to_string(depth) + "/" + std::string(key));
        return !(key == "drop" && depth == 2) && key != "probes";
      });
  CHECK(tops == std::vector<std::string>{"b/1/b", "a/1/a", "a/2/text", "a/2/drop", "a/2/keep",
                                         "a/3/drop", "a/3/y", "hosts/1/hosts", "hosts/3/name",
                                         "hosts/3/probes", "hosts/3/results", "hosts/5/drop"});
  CHECK_FALSE(kept["a"].contains("drop"));
  CHECK(kept["a"]["keep"] == json::parse(R"({"drop": 1, "y": 2})")); // depth 3: kept
  CHECK_FALSE(kept["hosts"][0].contains("probes"));                  // a host's keys: depth 3
  CHECK(kept["hosts"][0]["results"][0].contains("drop"));            // a result's keys: depth 5
  CHECK(kept["a"]["text"] == "caf\xc3\xa9 \"q\" \n");
}

TEST_CASE("load_json_object names the file, and the line, of bad input") {
  const TempDir dir;
  const auto missing = dir.path() / "none.json";
  CHECK_THROWS_WITH_AS(util::load_json_object(missing), doctest::Contains("none.json: cannot read"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(
      util::load_json_object(missing, [](std::string_view, int, std::string_view) { return true; }),
      doctest::Contains("none.json: cannot read"), ConfigError);

  const auto broken = dir.write("broken.json", "{\"a\": 1,\n \"b\": [1, 2,\n }");
  CHECK_THROWS_WITH_AS(util::load_json_object(broken), doctest::Contains("broken.json"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(util::load_json_object(broken), doctest::Contains("line 3"), ConfigError);
  CHECK_THROWS_WITH_AS(
      util::load_json_object(broken, [](std::string_view, int, std::string_view) { return true; }),
      doctest::Contains("broken.json:"), ConfigError);

  const auto trailing = dir.write("trailing.json", "{\"a\": 1}\n{\"b\": 2}");
  CHECK_THROWS_AS(util::load_json_object(trailing), ConfigError);
  CHECK_THROWS_WITH_AS(util::load_json_object(
                           trailing, [](std::string_view, int, std::string_view) { return true; }),
                       doctest::Contains("trailing.json:2: not valid JSON"), ConfigError);

  // Errors the first pass finds (no document to point into), and one found half-way.
  const auto keep_all = [](std::string_view, int, std::string_view) { return true; };
  const std::string cut = std::string(k_record).substr(0, 60);
  // Not structured bindings: clang 14 cannot capture one (CAPTURE is a lambda).
  for (const auto& entry : {std::pair<std::string, std::string>{"cut.json", cut},
                            {"binary.json", "\xff\xfe{\"a\": 1}"},
                            {"utf8.json", "{\"a\": \"\xc3\x28\"}"},
                            {"empty.json", ""},
                            {"open.json", "{\"a\": [1, {\"b\": "}}) {
    const auto& name = entry.first;
    const auto& text = entry.second;
    CAPTURE(name);
    const auto file = dir.write(name, text);
    CHECK_THROWS_WITH_AS(util::load_json_object(file, keep_all),
                         doctest::Contains((name + ":").c_str()), ConfigError);
    CHECK_THROWS_WITH_AS(util::load_json_object(file),
                         doctest::Contains((name + ": not valid JSON").c_str()), ConfigError);
  }

  const auto array = dir.write("array.json", "[1, 2]");
  CHECK_THROWS_WITH_AS(util::load_json_object(array), doctest::Contains("not an object"),
                       ConfigError);
  CHECK_THROWS_AS(
      util::load_json_object(array, [](std::string_view, int, std::string_view) { return true; }),
      ConfigError);
}

TEST_CASE("both parsers refuse nesting deeper than k_max_json_depth, and numbers out of range") {
  const TempDir dir;
  const auto keep_all = [](std::string_view, int, std::string_view) { return true; };
  const auto drop_x = [](std::string_view, int, std::string_view key) { return key != "x"; };
  const auto nested = [](int depth) {
    return "{\"a\": " + std::string(static_cast<size_t>(depth - 1), '[') +
           std::string(static_cast<size_t>(depth - 1), ']') + "}";
  };
  // The document's own object is level 1: k_max_json_depth levels in all are fine.
  const auto deepest = dir.write("deepest.json", nested(util::k_max_json_depth));
  CHECK_NOTHROW(util::load_json_object(deepest));
  CHECK_NOTHROW(util::load_json_object(deepest, keep_all));
  for (const int depth : {util::k_max_json_depth + 1, 100000}) {
    CAPTURE(depth);
    const auto deep = dir.write("deep.json", nested(depth));
    CHECK_THROWS_WITH_AS(util::load_json_object(deep),
                         doctest::Contains("deep.json: not valid JSON: nested deeper than"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(util::load_json_object(deep, keep_all),
                         doctest::Contains("deep.json:1: not valid JSON: The JSON document was too "
                                           "deep"),
                         ConfigError);
  }
  // A member the filter drops is skipped without building it: no depth to refuse.
  const auto skipped = dir.write("skipped.json", "{\"x\": " + std::string(100000, '[') +
                                                     std::string(100000, ']') + ", \"y\": 1}");
  CHECK(util::load_json_object(skipped, drop_x) == json::parse(R"({"y": 1})"));

  const auto huge = dir.write("huge.json", "{\"weight\": 1e999}");
  CHECK_THROWS_WITH_AS(util::load_json_object(huge),
                       doctest::Contains("huge.json: not valid JSON: [json.exception.out_of_range."
                                         "406] number overflow parsing '1e999'"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(util::load_json_object(huge, keep_all),
                       doctest::Contains("huge.json:1: not valid JSON"), ConfigError);
}

TEST_CASE("FileBytes hands on a file's bytes in order across its pieces, for nlohmann's parser") {
  const TempDir dir;
  const std::string text = k_record;
  const auto path = dir.write("record.json", text);
  for (const size_t piece : {size_t{1}, size_t{7}, text.size(), size_t{1} << 20}) {
    CAPTURE(piece);
    const auto file = util::open_json_file(path);
    util::FileBytes bytes(file.get(), piece);
    CHECK(std::string(bytes.begin(), bytes.end()) == text);
    CHECK(bytes.begin() == bytes.end()); // read to the end, every iterator is there
  }
  const auto file = util::open_json_file(path);
  util::FileBytes bytes(file.get(), 5);
  CHECK(json::parse(bytes.begin(), bytes.end()) == json::parse(text));

  const auto empty = util::open_json_file(dir.write("empty.json", ""));
  util::FileBytes none(empty.get());
  CHECK(none.begin() == none.end());
  util::FileBytes again(empty.get());
  CHECK_THROWS_AS(json::parse(again.begin(), again.end()), json::parse_error);
}
