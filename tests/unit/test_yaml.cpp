#include "util/yaml.hpp"

#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cisscan;
using cisscan::test::TempDir;
using util::YamlFile;

namespace {

const std::string k_text = "a: 1\nb: [x, {y: 2}]\nc: text\nd: many\n";

std::vector<std::string> lines(const YamlFile& file) {
  std::vector<std::string> out;
  for (const auto& d : file.diagnostics()) {
    out.push_back(d.to_string());
  }
  return out;
}

} // namespace

TEST_CASE("a YAML reader that throws the first problem") {
  const auto file = YamlFile::from_text("f.yaml", k_text, YamlFile::Mode::throw_first);
  REQUIRE(file.parsed());
  CHECK_THROWS_WITH_AS(file.check_keys(file.root(), {"a", "c"}, "f"),
                       "f.yaml:2: unknown key 'b' in f (expected one of a, c)", ConfigError);
  CHECK_THROWS_WITH_AS(file.string(file.root(), "b"), "f.yaml:2: 'b' must be a string",
                       ConfigError);
  CHECK_THROWS_WITH_AS(file.guard([&] { (void)file.root()["d"].as<int>(); }),
                       "f.yaml:4: expected a whole number", ConfigError);
  CHECK(file.string(file.root(), "c") == "text");
  CHECK_THROWS_WITH_AS(YamlFile::from_text("m.yaml", "a: [\n", YamlFile::Mode::throw_first),
                       doctest::Contains("malformed YAML: "), ConfigError);
}

TEST_CASE("a YAML reader that collects every problem") {
  const auto file = YamlFile::from_text("f.yaml", k_text, YamlFile::Mode::collect);
  CHECK_FALSE(file.check_keys(file.root(), {"a"}, "f"));
  file.set_subject("t-1");
  CHECK(file.string(file.root(), "b").empty());
  CHECK(file.strings(file.root(), "b") == std::vector<std::string>{"x"});
  CHECK_FALSE(file.guard([&] { (void)file.root()["d"].as<int>(); }));
  CHECK(file.guard([&] { (void)file.root()["a"].as<int>(); }));
  file.set_subject("");
  file.report(7, "the end");
  CHECK(file.problems() == 7);
  CHECK(lines(file) == std::vector<std::string>{
                           "f.yaml:2: unknown key 'b' in f (expected one of a)",
                           "f.yaml:3: unknown key 'c' in f (expected one of a)",
                           "f.yaml:4: unknown key 'd' in f (expected one of a)",
                           "f.yaml:2: t-1: 'b' must be a string",
                           "f.yaml:2: t-1: 'b' must be a list of strings",
                           "f.yaml:4: t-1: expected a whole number",
                           "f.yaml:7: the end",
                       });
  CHECK_THROWS_AS(file.fail(file.root(), "stop"), ConfigError);
}

TEST_CASE("a file that cannot be read or parsed, collected") {
  const TempDir dir;
  const YamlFile missing(dir.path() / "none.yaml", YamlFile::Mode::collect);
  CHECK_FALSE(missing.parsed());
  REQUIRE(missing.problems() == 1);
  CHECK(missing.diagnostics()[0].line == 0);
  CHECK(missing.diagnostics()[0].message.find("cannot read") != std::string::npos);
  const YamlFile malformed(dir.write("m.yaml", "a: [\n"), YamlFile::Mode::collect);
  CHECK_FALSE(malformed.parsed());
  REQUIRE(malformed.problems() == 1);
  CHECK(malformed.diagnostics()[0].message.rfind("malformed YAML: ", 0) == 0);
  CHECK_THROWS_AS(YamlFile(dir.path() / "none.yaml"), ConfigError);
}

TEST_CASE("canonical_text: the same values give the same text whatever the layout") {
  const auto canonical = [](const std::string& text) {
    return util::canonical_text(yaml::load(text));
  };
  const auto block = canonical("id: x # the id\nprobe:\n  file: /etc/a\nlist:\n  - 1\n  - two\n");
  CHECK(block == canonical("{id: x, probe: {file: /etc/a}, list: [1, two]}"));
  CHECK(block == canonical("id:   x\n\n\nprobe: {file: /etc/a}\nlist: [1,   two]\n"));
  CHECK(block != canonical("{id: x, probe: {file: /etc/b}, list: [1, two]}"));
  CHECK(block != canonical("{id: x, probe: {file: /etc/a}, list: [two, 1]}")); // order counts
  CHECK(block != canonical("{probe: {file: /etc/a}, id: x, list: [1, two]}"));
  CHECK(canonical("a: 1") != canonical("a: '1'")); // quoted is not plain
  CHECK(canonical("a: ~") != canonical("a: '~'"));
  // A value cannot fake the structure around it.
  CHECK(canonical("[ab, c]") != canonical("[a, bc]"));
  CHECK(canonical("{a: '[b]'}") != canonical("{a: [b]}"));
}
