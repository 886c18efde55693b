// The HTML report's per-host lists rendered side by side (reports/html_side_by_side.cpp): the
// template cut at whole tag lines, and hosts written in the record's order across batches.
#include "reports/formats.hpp"
#include "reports/html_view.hpp"

#include "sample_record.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <ios>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>

using namespace cisscan;
using reports::html::cut_template;

TEST_CASE("cut_template cuts at the lines of a list's tags, as mustache drops them") {
  const auto cut =
      cut_template("top\n{{#xs}}\n<{{.}}>\n{{/xs}}\nmid\n{{#ys}}\ny\n{{/ys}}\nend\n", {"xs", "ys"});
  REQUIRE(cut.pieces.size() == 3);
  CHECK(cut.pieces[0] == "top\n");
  CHECK(cut.pieces[1] == "mid\n");
  CHECK(cut.pieces[2] == "end\n");
  REQUIRE(cut.lists.size() == 2);
  CHECK(cut.lists[0] == std::pair<std::string, std::string>{"xs", "<{{.}}>\n"});
  CHECK(cut.lists[1] == std::pair<std::string, std::string>{"ys", "y\n"});

  SUBCASE("a template the cut would change is refused") {
    CHECK_THROWS_AS(cut_template("a {{#xs}}\nx\n{{/xs}}\n", {"xs"}), std::logic_error);
    CHECK_THROWS_AS(cut_template("{{#xs}}\nx\n{{/xs}} b\n", {"xs"}), std::logic_error);
    CHECK_THROWS_AS(cut_template("{{#xs}}\nx\n", {"xs"}), std::logic_error);
    CHECK_THROWS_AS(cut_template("{{#xs}}\nx\n{{/xs}}\n{{#xs}}\ny\n{{/xs}}\n", {"xs"}),
                    std::logic_error);
    CHECK_THROWS_AS(cut_template("{{#ys}}\ny\n{{/ys}}\n{{#xs}}\nx\n{{/xs}}\n", {"xs", "ys"}),
                    std::logic_error);
    CHECK_THROWS_AS(cut_template("no list\n", {"xs"}), std::logic_error);
  }
}

TEST_CASE("write_html: hosts come in the record's order, each once, however many batches") {
  auto record = test::sample_record();
  const auto host = record["hosts"][0];
  record["hosts"] = json::array();
  constexpr int k_hosts = 23; // several batches of side-by-side workers
  for (int i = 0; i < k_hosts; ++i) {
    auto one = host;
    one["name"] = "node-" + std::to_string(100 + i);
    record["hosts"].push_back(one);
  }
  const auto html = reports::render("html", record);
  size_t findings_at = 0;
  size_t hosts_at = html.find("<section id=\"hosts\"");
  REQUIRE(hosts_at != std::string::npos);
  for (int i = 0; i < k_hosts; ++i) {
    const auto name = "node-" + std::to_string(100 + i);
    const auto group_tag = "<section class=\"fgroup\" data-host=\"" + name + "\"";
    const auto section_tag =
        "<section class=\"host\" id=\"host-" + std::to_string(i) + "\" data-host=\"" + name + "\"";
    const auto group = html.find(group_tag);
    const auto section = html.find(section_tag);
    REQUIRE_MESSAGE(group != std::string::npos, name);
    REQUIRE_MESSAGE(section != std::string::npos, name);
    CHECK_MESSAGE(group > findings_at, name);
    CHECK_MESSAGE(section > hosts_at, name);
    CHECK(html.find(group_tag, group + 1) == std::string::npos);
    CHECK(html.find(section_tag, section + 1) == std::string::npos);
    findings_at = group;
    hosts_at = section;
  }
}

namespace {

// A stream buffer that takes `room` bytes, then refuses: a full disk under the report.
class FullDisk : public std::streambuf {
public:
  explicit FullDisk(size_t room) : m_room(room) {}

protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    const auto taken = std::min<std::streamsize>(n, static_cast<std::streamsize>(m_room));
    m_room -= static_cast<size_t>(taken);
    return taken;
  }
  int_type overflow(int_type c) override {
    return m_room == 0 ? traits_type::eof() : (--m_room, traits_type::not_eof(c));
  }

private:
  size_t m_room;
};

} // namespace

TEST_CASE("write_html: a write that fails in the hosts' sections stops the workers and throws") {
  auto record = test::sample_record();
  const auto host = record["hosts"][0];
  for (int i = 0; i < 15; ++i) {
    auto one = host;
    one["name"] = "node-" + std::to_string(i);
    record["hosts"].push_back(one);
  }
  const auto whole = reports::render("html", record).size();
  // Past the page's head (written here), inside the per-host sections (written from the queue).
  for (const size_t room : {whole / 3, whole / 2, whole - 100}) {
    FullDisk disk(room);
    std::ostream out(&disk);
    out.exceptions(std::ios::badbit | std::ios::failbit);
    CHECK_THROWS_AS(reports::write_report(*reports::find_format("html"), record, {}, out),
                    std::ios_base::failure);
  }
}
