#include "pipeline/derive.hpp"

#include "catalog/probe_types.hpp"
#include "evaluate/evaluate.hpp"
#include "util/sha256.hpp"

namespace cisscan {

bool derive_probe(const ProbeSpec& spec, std::vector<ProbeRecord>& records, size_t fact_count) {
  const auto* type = find_probe_type(spec.type);
  if (type == nullptr || type->derive == nullptr) {
    return false;
  }
  for (size_t i = 0; i < fact_count; ++i) {
    const auto& fact = records[i];
    // Only from a fact probe that succeeded, whole: a failed dpkg-query lists no package, and
    // a list cut at the facts' cap lacks those past the cut, which must not read as absent;
    // a systemctl that could not reach its service manager answers no unit. The probe then
    // runs on the host and says why.
    if (fact.spec.id != type->derived_from || fact.state != ProbeState::ok ||
        fact.output.exit_code != 0 || fact.output.truncated) {
      continue;
    }
    int exit_code = 0;
    auto output = type->derive(spec.argument, fact.output.output, exit_code);
    if (!output) {
      return false;
    }
    ProbeRecord record;
    record.spec = spec;
    record.spec.command = "(answered from probe " + fact.spec.id + ") " + spec.command;
    record.output.id = spec.id;
    record.output.output = std::move(*output);
    record.output.exit_code = exit_code;
    record.output.output_bytes = record.output.output.size();
    record.output.sha256 = util::sha256_hex(record.output.output);
    record.output.complete = true;
    record.output.started_at = fact.output.started_at;
    record.state = classify(record.spec, &record.output);
    records.push_back(std::move(record));
    return true;
  }
  return false;
}

} // namespace cisscan
