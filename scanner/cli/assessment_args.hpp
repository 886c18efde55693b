// The options that choose the risk register, waivers and attestations (scan and report).
#pragma once

#include "pipeline/run.hpp"
#include "record/record.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace cisscan {

struct AssessmentArgs {
  std::string risk;
  std::vector<std::string> waivers;
  std::vector<std::string> attestations;
  std::string as_of;
};

void add_assessment_options(CLI::App* command, AssessmentArgs& args);
// Loads the files (ConfigError on bad input). With no --risk, the shipped default register.
Assessment load_assessment(const AssessmentArgs& args, const ControlsCatalog& controls);

} // namespace cisscan
