#include "pipeline/scan_entry.hpp"

#include "model/record_status.hpp"
#include "pipeline/entry_members.hpp"
#include "util/clock.hpp"
#include "util/text.hpp"

namespace cisscan {

namespace {

using cisscan::json;

// The catalog's probe as `members` holds it, where the probe a host ran is that one (its type,
// argument and time limit) with the catalog's command, or with that command after a prefix of
// its own: a probe answered from the facts says so before the command (pipeline/derive.cpp).
// `prefix` is that prefix, empty when the command is the catalog's as it is. Else null.
const ResultMembers::Probe* catalog_probe(const ProbeSpec& spec, const ResultMembers& members,
                                          std::string_view& prefix) {
  const auto found = members.by_probe.find(spec.id);
  if (found == members.by_probe.end() || found->second.type != spec.type ||
      found->second.argument != spec.argument ||
      found->second.timeout_seconds != spec.timeout_seconds ||
      !std::string_view(spec.command).ends_with(found->second.command)) {
    return nullptr;
  }
  prefix =
      std::string_view(spec.command).substr(0, spec.command.size() - found->second.command.size());
  // Escaped apart, the two halves make the whole's text; a prefix that is not UTF-8 (no command
  // the scanner builds has one) is written with the rest as one string, its bad bytes replaced
  // there, so nothing depends on how a replacement falls at the seam.
  return util::is_valid_utf8(prefix) ? &found->second : nullptr;
}

// The text of the probe's entry, byte for byte the compact text of probe_to_json's tree (the
// catalog's probe members as `members` holds their text, where the host ran the probe as the
// catalog wrote it or answered it from the facts), without making the tree: a host's ~130 probe
// entries were a sixth of the scanner's work a host (benchmarks/README.md, 2026-12-05). The
// members in key order, as the tree's map holds them.
void append_probe_text(std::string& out, const ProbeRecord& probe, const ResultMembers& members) {
  const auto& spec = probe.spec;
  const auto& output = probe.output;
  std::string_view prefix;
  const auto* known = catalog_probe(spec, members, prefix);
  bool first = true;
  // A member's key: these names are plain ASCII, with nothing to escape.
  const auto key = [&](std::string_view name) {
    out += first ? "\"" : ",\"";
    out += name;
    out += "\":";
    first = false;
  };
  // A member the catalog's text holds as it is for this probe, else written from the spec.
  const auto spec_member = [&](std::string_view name, const auto& write) {
    if (known == nullptr) {
      key(name);
      write();
      return;
    }
    for (const auto& [member, text] : known->members) {
      if (member != name) {
        continue;
      }
      out += first ? "" : ",";
      first = false;
      if (name == "command" && !prefix.empty()) {
        // The prefix's text without its closing quote, then the catalog's after its opening one.
        constexpr std::string_view k_key = R"("command":)";
        out += k_key;
        util::append_json_string(out, prefix);
        out.pop_back();
        out += std::string_view(text).substr(k_key.size() + 1);
      } else {
        out += text;
      }
    }
  };
  const auto text_of = [&](std::string_view text) { util::append_json_string(out, text); };
  const auto number = [&](auto value) {
    util::append_json_number(out, static_cast<long long>(value));
  };
  out += '{';
  spec_member("argument", [&] { text_of(util::to_valid_utf8(spec.argument)); });
  spec_member("command", [&] { text_of(spec.command); });
  key("complete");
  out += output.complete ? "true" : "false";
  key("duration_ms");
  number(output.duration_ms);
  key("exit_code");
  number(output.exit_code);
  key("id");
  text_of(spec.id);
  const bool utf8 = util::is_valid_utf8(output.output);
  key("output");
  if (utf8) {
    text_of(output.output);
  } else {
    text_of(util::base64_encode(output.output));
  }
  key("output_bytes");
  util::append_json_number(out, static_cast<unsigned long long>(output.output_bytes));
  key("output_encoding");
  out += utf8 ? "\"utf-8\"" : "\"base64\"";
  key("output_sha256");
  text_of(output.sha256);
  key("started_at");
  if (output.started_at == util::WallTime{}) {
    out += "null";
  } else {
    text_of(util::rfc3339(output.started_at));
  }
  key("state");
  text_of(to_string(probe.state));
  spec_member("timeout_s", [&] { number(spec.timeout_seconds); });
  key("truncated");
  out += output.truncated ? "true" : "false";
  spec_member("type", [&] { text_of(spec.type); });
  out += '}';
}

// A result's string member: its text made valid UTF-8 first where it is not, as the tree's is.
void append_text_member(std::string& out, std::string_view text) {
  if (util::is_valid_utf8(text)) {
    util::append_json_string(out, text);
  } else {
    util::append_json_string(out, util::to_valid_utf8(text));
  }
}

// Every member of a check's results that depends on the check alone, as text in key order.
std::vector<util::MemberText> fixed_members(const Check& check) {
  const auto members = check_members(check);
  std::vector<util::MemberText> texts;
  for (const auto& [key, value] : members.items()) {
    texts.push_back(util::member_text(key, value));
  }
  return texts;
}

} // namespace

ResultMembers result_members(const Catalog& catalog) {
  ResultMembers members;
  for (const auto& check : catalog.checks) {
    members.by_check[check.get()] = fixed_members(*check);
    if (!check->probe || members.by_probe.contains(check->probe->id)) {
      continue;
    }
    const auto& spec = *check->probe;
    auto& probe = members.by_probe[spec.id];
    probe = {spec.type, spec.argument, spec.command, spec.timeout_seconds, {}};
    const auto values = probe_members(spec);
    for (const auto& [key, value] : values.items()) {
      probe.members.push_back(util::member_text(key, value));
    }
  }
  return members;
}

ScanEntry::ScanEntry(HostRun&& run, const ResultMembers& members)
    : m_run(std::move(run)), m_members(members), m_host(host_members(m_run)),
      m_marks(m_run.results.size()) {
  m_host["results"] = nullptr;
  m_host["probes"] = nullptr;
}

ResultStatus ScanEntry::status(size_t i) const {
  return m_marks[i].waived ? ResultStatus::waived : m_run.results[i].status;
}

void ScanEntry::safeguards(size_t i, std::vector<std::string_view>& out) const {
  out.assign(m_run.results[i].check->safeguards.begin(), m_run.results[i].check->safeguards.end());
}

void ScanEntry::waive(size_t i, std::string reason, json waiver) {
  auto& marks = m_marks[i];
  marks.waived = true;
  marks.reason = std::move(reason);
  marks.waiver = std::move(waiver);
}

void ScanEntry::attest(size_t i, json attestation) {
  m_marks[i].attestation = std::move(attestation);
}

void ScanEntry::set_risks(size_t i, json risks) {
  m_marks[i].risks = risks.empty() ? json() : std::move(risks);
}

// The result's members in key order: its check's (fixed_members) merged with its own.
void ScanEntry::append_result(std::string& out, size_t i) const {
  const auto& result = m_run.results[i];
  const auto& marks = m_marks[i];
  const auto found = m_members.by_check.find(result.check.get());
  std::vector<util::MemberText> own; // a check the catalog did not hold (none the scan makes)
  const auto& fixed =
      found != m_members.by_check.end() ? found->second : (own = fixed_members(*result.check));
  auto next = fixed.begin();
  bool first = true;
  // The check's members before `key`, then `key`'s own.
  const auto key = [&](std::string_view name) {
    for (; next != fixed.end() && next->first < name; ++next) {
      out += first ? "" : ",";
      out += next->second;
      first = false;
    }
    out += first ? "\"" : ",\"";
    out += name;
    out += "\":";
    first = false;
  };
  out += '{';
  if (!marks.attestation.is_null()) {
    key("attestation");
    util::append_compact_json(out, marks.attestation);
  }
  key("expected");
  append_text_member(out, result.expected);
  key("observed");
  append_text_member(out, result.observed);
  if (marks.waived) {
    key("original_reason");
    append_text_member(out, result.reason);
    key("original_status");
    util::append_json_string(out, to_string(result.status));
  }
  key("probe_ids");
  out += '[';
  for (size_t p = 0; p < result.probe_ids.size(); ++p) {
    out += p == 0 ? "" : ",";
    util::append_json_string(out, result.probe_ids[p]);
  }
  out += ']';
  key("reason");
  append_text_member(out, marks.waived ? marks.reason : result.reason);
  if (!marks.risks.is_null()) {
    key("risks");
    util::append_compact_json(out, marks.risks);
  }
  key("status");
  util::append_json_string(out, to_string(status(i)));
  if (marks.waived) {
    key("waiver");
    util::append_compact_json(out, marks.waiver);
  }
  for (; next != fixed.end(); ++next) {
    out += first ? "" : ",";
    out += next->second;
    first = false;
  }
  out += '}';
}

void ScanEntry::append_text(std::string& out) const {
  size_t room = 2;
  for (const auto& probe : m_run.probes) {
    room += probe.output.output.size() + 512; // its members, escapes, base64's third more
  }
  out.reserve(out.size() + room + m_run.results.size() * 600);
  out += '{';
  bool first = true;
  for (const auto& [key, member] : m_host.items()) {
    util::append_member_key(out, first, key);
    if (key == "results") {
      out += '[';
      for (size_t i = 0; i < m_run.results.size(); ++i) {
        out += i == 0 ? "" : ",";
        append_result(out, i);
      }
      out += ']';
    } else if (key == "probes") {
      out += '[';
      for (size_t i = 0; i < m_run.probes.size(); ++i) {
        out += i == 0 ? "" : ",";
        append_probe_text(out, m_run.probes[i], m_members);
      }
      out += ']';
    } else {
      util::append_compact_json(out, member);
    }
  }
  out += '}';
}

} // namespace cisscan
