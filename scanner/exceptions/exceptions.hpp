// Waivers and attestations: exceptions with who approved them and until when, applied to a run
// record (at scan time, or again to a saved record with newer files).
#pragma once

#include "exceptions/selector.hpp"
#include "model/assessed_results.hpp"
#include "util/by_host.hpp"
#include "util/json.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace cisscan {

// A failure covered by a current waiver becomes `waived`: shown, counted apart, out of the
// score's denominator. An expired waiver is not applied.
struct Waiver {
  std::string id;
  std::string checks; // check id or glob pattern
  HostSelector hosts;
  std::string justification;
  std::string approved_by;
  std::string ticket;
  std::string expires; // YYYY-MM-DD, the last day it holds
  std::string file;
  int line = 0;
};

// What no probe can show: a process safeguard, or a manual check's answer on chosen hosts.
struct Attestation {
  std::string id;
  std::string safeguard; // one of safeguard / check
  std::string check;
  HostSelector hosts; // for a check
  std::string statement;
  std::string evidence;
  std::string attested_by;
  std::string date;
  std::string expires;
  std::string file;
  int line = 0;
};

struct ExceptionFiles {
  std::vector<Waiver> waivers;
  std::vector<Attestation> attestations;
  cisscan::json files = cisscan::json::array(); // {path, sha256, kind}
};

// Throw ConfigError naming file and line; `known_safeguard` checks safeguard ids.
std::vector<Waiver> load_waivers(const std::filesystem::path& path);
std::vector<Attestation>
load_attestations(const std::filesystem::path& path,
                  const std::function<bool(const std::string&)>& known_safeguard);

// apply_exceptions one host at a time, so that a fleet's hosts need not all be held at once:
// apply() each host, in any order, then finish() the record's sections.
class ExceptionPass {
public:
  ExceptionPass(const ExceptionFiles& exceptions, std::string today);
  // Restores the statuses an earlier application changed, then applies the exceptions. `index`
  // is the host's place in the record: hosts may come in any order.
  void apply(cisscan::json& host, size_t index);
  // The same for a host whose results are apart from its entry (`host`: its other members),
  // never assessed before.
  void apply(const cisscan::json& host, AssessedResults& results, size_t index);
  // Sets record["waivers"], ["attestations"] (what each matched, in record order) and
  // ["exception_files"]. Call once, after the last host.
  void finish(cisscan::json& record);

private:
  const ExceptionFiles& m_exceptions;
  std::string m_today;
  std::vector<util::ByHost> m_applied; // per waiver: the results it matched
  std::vector<util::ByHost> m_covers;  // per attestation: the results it answers
};

// Restores statuses a previous application changed, then applies `exceptions` as of `today`
// (YYYY-MM-DD). Adds record["waivers"] and record["attestations"] sections; results keep their
// `original_status`.
void apply_exceptions(cisscan::json& record, const ExceptionFiles& exceptions,
                      const std::string& today);

} // namespace cisscan
