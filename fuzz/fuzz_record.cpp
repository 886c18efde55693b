// A run record (`report`, `diff`, `gate --baseline`, `history --import`): any text as the JSON
// file, read as each command reads it, then rendered in every format, diffed, gated and assessed.
#include "fuzz_input.hpp"

#include "catalog/controls.hpp"
#include "gate/gate.hpp"
#include "history/diff.hpp"
#include "history/store.hpp"
#include "pipeline/run.hpp"
#include "record/record.hpp"
#include "reports/formats.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cisscan;
  static const auto controls =
      ControlsCatalog::load(CISSCAN_SOURCE_DIR "/checks/controls/cis-controls-v8.yaml");
  static const fuzz::InputFile file("report.json");
  const auto text = fuzz::as_text(data, size);
  const auto& path = file.write(text);
  fuzz::expect_config_errors([&] {
    auto record = load_record(path);
    for (const auto& format : reports::formats()) {
      std::ostringstream out;
      reports::write_report(format, record, {}, out);
    }
    (void)diff_text(diff_records(record, record));
    GateRules rules;
    rules.baseline = record;
    rules.fail_on_new_failures = true;
    rules.fail_on_unacceptable_risk = true;
    rules.fail_under = 50;
    (void)evaluate_gate(record, rules);
    Assessment assessment;
    assessment.as_of = "2026-12-01";
    assess_record(record, controls, assessment);
  });
  fuzz::expect_config_errors([&] {
    const auto summary = load_record_summary(path);
    (void)diff_text(diff_records(summary, summary));
  });
  // history --import's reader, a host at a time: it accepts exactly what load_record accepts.
  bool loaded = false;
  bool streamed = false;
  fuzz::expect_config_errors([&] {
    (void)load_record(path);
    loaded = true;
  });
  fuzz::expect_config_errors([&] {
    (void)stream_record(path, {}, [](cisscan::json) {});
    streamed = true;
  });
  fuzz::expect_config_errors(
      [&] { (void)stream_record(path, HistoryStore::stored_member, [](cisscan::json) {}); });
  if (loaded != streamed) {
    std::fprintf(stderr, "stream_record and load_record disagree on this record\n");
    std::abort();
  }
  return 0;
}
