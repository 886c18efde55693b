// A scanned host's entry as the scan spools it (pipeline/scan_entry.hpp): assessed and written as
// text without its JSON tree, it must be byte for byte the tree's text assessed the same way.
#include "pipeline/run.hpp"
#include "record/host_spool.hpp"

#include "sample_assessment.hpp"
#include "sample_run.hpp"
#include "shipped_controls.hpp"

#include "util/json_text.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace cisscan;
using cisscan::json;
using cisscan::test::probe_record;
using cisscan::test::sample_run;

namespace {

// The entry's text as the scan writes it (no assessment).
std::string text_of(HostRun run, const ResultMembers& members) {
  std::string text;
  ScanEntry(std::move(run), members).append_text(text);
  return text;
}

std::shared_ptr<Check> check_like(const HostRun& run, const std::string& id,
                                  std::vector<std::string> safeguards) {
  auto check = std::make_shared<Check>(*run.results[0].check);
  check->id = id;
  check->safeguards = std::move(safeguards);
  return check;
}

CheckResult result_of(std::shared_ptr<Check> check, ResultStatus status, std::string reason) {
  CheckResult result;
  result.check = std::move(check);
  result.status = status;
  result.probe_ids = {"p-text", "p-binary"};
  result.expected = "one \"quoted\" line";
  result.reason = std::move(reason);
  return result;
}

// Two hosts: one scanned, whose results a waiver, an attestation and the register's entries
// mark, and one that did not answer.
std::vector<HostRun> fleet(Catalog& catalog) {
  auto run = sample_run();
  run.roles = {"vm"};
  auto check = check_like(run, "c-1", {"4.1"});
  check->benchmarks = {{"cis-debian12", "1.1.0", "5.1.20", "L1"},
                       {"cis-debian13", "1.0.0", "5.1.21", "L1"}};
  check->sha256 = std::string(64, 'c');
  check->requires_root = true;
  check->weight = 0.3;
  run.results[0].check = check;
  const auto failing = check_like(run, "c-fail", {"5.2", "4.1"});
  const auto manual = check_like(run, "c-manual", {"4.1"});
  const auto passing = check_like(run, "c-pass", {"3.3"});
  run.results.push_back(result_of(failing, ResultStatus::fail, "bad \xFF reason"));
  run.results.push_back(result_of(manual, ResultStatus::manual, "ask"));
  run.results.push_back(result_of(passing, ResultStatus::pass, ""));
  run.results.push_back(result_of(check_like(run, "c-error", {"5.2"}), ResultStatus::error, "?"));
  // A result of a check the catalog does not hold: its members written from the check.
  run.results.push_back(result_of(check_like(run, "c-unknown", {"4.1"}), ResultStatus::fail, ""));
  catalog.checks = {check, failing, manual, passing, run.results[4].check};
  auto down = sample_run();
  down.spec.name = "down";
  down.status = HostStatus::unreachable;
  down.reason = "no route";
  down.probes.clear();
  down.results = {result_of(failing, ResultStatus::error, "host unreachable: no route")};
  return {run, down};
}

} // namespace

TEST_CASE("a scanned entry assessed and written as text is its JSON entry's, byte for byte") {
  Catalog catalog;
  const auto runs = fleet(catalog);
  const auto members = result_members(catalog);
  const auto spec = test::sample_assessment();
  // The tree's way (build_record's) and the text's way (the spool's), each its own
  // record, the hosts added last to first.
  auto by_tree = build_record_from_entries({}, catalog, test::shipped_controls(), {});
  auto by_text = by_tree;
  HostAssessor tree_assessor(by_tree, test::shipped_controls(), spec);
  HostAssessor text_assessor(by_text, test::shipped_controls(), spec);
  std::vector<json> trees(runs.size());
  HostSpool spool(runs.size());
  for (size_t i = runs.size(); i-- > 0;) {
    trees[i] = host_to_json(runs[i]);
    tree_assessor.add(trees[i], i);
    ScanEntry entry(HostRun(runs[i]), members);
    const auto score = util::compact_json(text_assessor.add(entry, i));
    std::string text;
    entry.append_text(text);
    CHECK(text == util::compact_json(trees[i]));
    const auto gaps = gaps_text(entry.host(), entry);
    CHECK(gaps == gaps_text(trees[i], EntryView(trees[i])));
    spool.put_text(i, entry.name(), {text, gaps, score});
  }
  tree_assessor.finish(by_tree);
  text_assessor.finish(by_text);
  // The text's way leaves the hosts' scores to the spool.
  CHECK(by_text.at("scores").at("hosts") == json::object());
  for (const auto& tree : trees) {
    by_tree["hosts"].push_back(tree);
  }
  std::optional<json> whole;
  CHECK(whole_record(by_text, spool, whole) == by_tree);
  // What the test covers: a waived failure, an attested manual result, findings with risks,
  // and none on the host that did not answer.
  const auto& results = trees[0].at("results");
  CHECK(results[1].at("status") == "waived");
  CHECK(results[1].at("original_reason") == "bad \xEF\xBF\xBD reason");
  CHECK(results[1].contains("risks"));
  CHECK(results[2].contains("attestation"));
  CHECK(results[4].contains("risks"));
  CHECK_FALSE(results[3].contains("risks")); // a pass feeds no entry
  CHECK(results[5].at("status") == "fail");  // c-unknown: not the waiver's
  CHECK_FALSE(trees[1].at("results")[0].contains("risks"));
  CHECK(by_tree.at("scores").at("hosts").at("down").at("safeguards") == json::object());
}

TEST_CASE("a scanned entry's probe text takes a catalog probe's members only where the host ran "
          "it as the catalog wrote it") {
  auto run = sample_run();
  auto as_written = std::make_shared<Check>(*run.results[0].check);
  as_written->probe = run.probes[0].spec; // p-text, as the host ran it
  auto changed = std::make_shared<Check>(*as_written);
  changed->id = "c-2";
  changed->probe = run.probes[1].spec; // p-binary, whose command the host's plan changed
  changed->probe->command = "cat y";
  Catalog catalog;
  catalog.checks = {as_written, changed};
  const auto members = result_members(catalog);
  REQUIRE(members.by_probe.size() == 2);
  const auto full = host_to_json(run);
  const auto text = text_of(run, members);
  CHECK(json::parse(text).at("probes")[1].at("command") == "cat x"); // its own, not the catalog's
  CHECK(text == util::compact_json(full));
}

TEST_CASE("a scanned entry's probes written as text are the JSON entry's, byte for byte") {
  auto run = sample_run(); // p-text (UTF-8), p-binary (base64)
  auto odd = probe_record("p-odd", "quote \" back \\ tab \t bell \x07 \xE2\x82\xAC\n\n");
  odd.spec.argument = "bad \xFF argument";
  odd.spec.command = "printf '%s' \"x\"";
  odd.spec.timeout_seconds = 7;
  odd.output.exit_code = -1;
  odd.output.truncated = true;
  odd.output.complete = false;
  odd.output.output_bytes = 99999;
  odd.output.started_at = util::WallTime{std::chrono::milliseconds(1764950000123)};
  odd.output.duration_ms = 1234;
  odd.state = ProbeState::error;
  run.probes.push_back(odd);
  auto own = odd; // the same, not the catalog's: its spec's members written from the spec
  own.spec.id = own.output.id = "p-odd-own";
  run.probes.push_back(own);
  auto unknown = probe_record("p-unknown", ""); // no catalog check runs it
  unknown.output.sha256.clear();
  run.probes.push_back(unknown);
  // Answered from the facts: the catalog's command after what says so (escapes in both halves).
  auto catalog_derived = odd.spec;
  catalog_derived.id = "p-derived";
  catalog_derived.argument = "plain";
  catalog_derived.command = "awk '{ print \"\\t\" $1 }' \xE2\x82\xAC\n/etc/passwd";
  auto derived = probe_record("p-derived", "root\n");
  derived.spec = catalog_derived;
  derived.spec.command = "(answered from the facts: f-a, \"f-b\"\n) " + catalog_derived.command;
  run.probes.push_back(derived);
  // The catalog's checks: p-text as the host ran it, p-odd as the host ran it, p-binary with a
  // command the host's plan changed, p-derived answered from the facts.
  const auto check_of = [&](const std::string& id, const ProbeSpec& spec) {
    auto check = std::make_shared<Check>(*run.results[0].check);
    check->id = id;
    check->probe = spec;
    return check;
  };
  auto changed = run.probes[1].spec;
  changed.command = "cat y";
  Catalog catalog;
  catalog.checks = {check_of("c-1", run.probes[0].spec), check_of("c-2", changed),
                    check_of("c-3", odd.spec), check_of("c-4", catalog_derived)};
  const auto members = result_members(catalog);
  const auto full = host_to_json(run);
  CHECK(full.at("probes")[5].at("command") == derived.spec.command);

  CHECK(text_of(run, members) == util::compact_json(full));
  // Through a spool, the JSON entry comes back.
  HostSpool spool(1);
  std::string text = text_of(run, members);
  spool.put_text(0, run.spec.name, {text, "{}", ""});
  CHECK(spool.at(0) == full);
  // A host that ran no probe: an empty list.
  run.probes.clear();
  CHECK(text_of(run, members) == util::compact_json(host_to_json(run)));
}

TEST_CASE("a scanned entry's command after a prefix that is not UTF-8 is written whole, replaced") {
  // The prefix ends inside a character the catalog's command does not finish.
  auto run = sample_run();
  auto catalog_spec = run.probes[0].spec;
  catalog_spec.command = "cat /etc/passwd";
  run.probes[0].spec.command = "\xFF\xFE (answered) \xE2\x82" + catalog_spec.command;
  auto check = std::make_shared<Check>(*run.results[0].check);
  check->probe = catalog_spec;
  Catalog catalog;
  catalog.checks = {check};
  const auto members = result_members(catalog);
  const auto text = text_of(run, members);
  CHECK(text == util::compact_json(host_to_json(run)));
  CHECK(text.find(" (answered) \xEF\xBF\xBD") != std::string::npos); // replaced
}
