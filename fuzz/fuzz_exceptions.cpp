// The assessment's files: any text as a waivers file, an attestations file, a risk register and
// a gate file (each loader rejects the others' top level, so one corpus serves all four). What
// loads is applied to a small record, as `scan` and `report` do.
#include "fuzz_input.hpp"

#include "catalog/controls.hpp"
#include "exceptions/exceptions.hpp"
#include "gate/gate.hpp"
#include "record/record.hpp"
#include "risk/register.hpp"

namespace {

const cisscan::ControlsCatalog& controls() {
  static const auto catalog =
      cisscan::ControlsCatalog::load(CISSCAN_SOURCE_DIR "/checks/controls/cis-controls-v8.yaml");
  return catalog;
}

// A fleet record with every status, waived and attested results (the golden one).
const cisscan::json& sample_record() {
  static const auto record =
      cisscan::load_record(CISSCAN_SOURCE_DIR "/tests/golden/records/fleet.json");
  return record;
}

bool known_safeguard(const std::string& id) {
  return controls().find(id) != nullptr;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cisscan;
  static const fuzz::InputFile file("assessment.yaml");
  const auto& path = file.write(fuzz::as_text(data, size));
  fuzz::expect_config_errors([&] {
    ExceptionFiles exceptions;
    exceptions.waivers = load_waivers(path);
    auto record = sample_record();
    apply_exceptions(record, exceptions, "2026-12-01");
  });
  fuzz::expect_config_errors([&] {
    ExceptionFiles exceptions;
    exceptions.attestations = load_attestations(path, known_safeguard);
    auto record = sample_record();
    apply_exceptions(record, exceptions, "2026-12-01");
  });
  fuzz::expect_config_errors([&] {
    const auto reg = load_register(path, controls());
    auto record = sample_record();
    assess_risks(record, reg);
  });
  fuzz::expect_config_errors([&] {
    GateRules rules;
    load_gate_file(path.string(), rules,
                   [](const std::string& id) { return controls().find(id) != nullptr; });
    (void)evaluate_gate(sample_record(), rules);
  });
  return 0;
}
