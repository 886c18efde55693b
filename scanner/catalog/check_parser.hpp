// One check of a check file → a Check, every problem reported to the file's reader (loader.cpp
// reads the files; this reads what is in them).
#pragma once

#include "catalog/check.hpp"
#include "catalog/loader.hpp"
#include "util/yaml.hpp"

#include <map>
#include <string>

namespace cisscan {

using Variables = std::map<std::string, std::string>;

// What a check is read against: the file's `vars:`, the safeguards and the risk register.
struct CheckContext {
  const Variables& vars;
  const ControlsCatalog& controls;
  const KnownRisk& known_risk;
};

// The check, complete only when `file` collected no problem while reading it.
Check parse_check(const yaml::Node& node, const CheckContext& context, const util::YamlFile& file);

// `probe:` ({TYPE: ARGUMENT, timeout: SECONDS}); its type is set whenever a known type is named,
// even with a bad argument, so that `expect:` can still be checked against it.
ProbeSpec parse_probe(const yaml::Node& node, const Variables& vars, const util::YamlFile& file);

} // namespace cisscan
