#include "catalog/selection.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <fnmatch.h>

#include <algorithm>

namespace cisscan {

namespace {

const std::vector<Profile> k_profiles = {
    {"level1-server", Platform::server, 1, "CIS Level 1, server (the default)"},
    {"level2-server", Platform::server, 2, "CIS Level 1 and Level 2, server"},
    {"level1-workstation", Platform::workstation, 1, "CIS Level 1, workstation"},
};

// A recommendation whose workstation level is not its server level (the one check files give):
// the benchmarks' own profile columns (../shared/reference/debian1*-cis-recommendations.tsv).
// Level 0: not in any workstation profile.
struct WorkstationLevel {
  std::string_view benchmark;
  std::string_view ref;
  int level;
};

const std::vector<WorkstationLevel> k_workstation_levels = {
    {"cis-debian12", "1.1.1.9", 2},
    {"cis-debian12", "1.7.1", 0},
    {"cis-debian12", "1.7.6", 2},
    {"cis-debian12", "1.7.7", 2},
    {"cis-debian12", "2.1.1", 2},
    {"cis-debian12", "2.1.2", 2},
    {"cis-debian12", "2.1.11", 2},
    {"cis-debian12", "2.1.20", 0},
    {"cis-debian12", "3.1.2", 0},
    {"cis-debian12", "3.1.3", 2},
    {"cis-debian12", "5.1.8", 1},
    {"cis-debian12", "5.1.9", 1},
    {"cis-debian13", "1.1.1.9", 2},
    {"cis-debian13", "1.1.1.10", 2},
    // 1.2.1.3-5 and 1.2.1.7-9 are listed for Level 1 and Level 2 server and no workstation.
    {"cis-debian13", "1.2.1.3", 0},
    {"cis-debian13", "1.2.1.4", 0},
    {"cis-debian13", "1.2.1.5", 0},
    {"cis-debian13", "1.2.1.7", 0},
    {"cis-debian13", "1.2.1.8", 0},
    {"cis-debian13", "1.2.1.9", 0},
    {"cis-debian13", "1.7.1", 0},
    {"cis-debian13", "1.7.6", 2},
    {"cis-debian13", "1.7.7", 2},
    {"cis-debian13", "2.1.1", 2},
    {"cis-debian13", "2.1.2", 2},
    {"cis-debian13", "2.1.11", 2},
    {"cis-debian13", "2.1.21", 0},
    {"cis-debian13", "3.1.2", 0},
    {"cis-debian13", "3.1.3", 2},
    {"cis-debian13", "3.3.1.1", 1},
    {"cis-debian13", "5.1.8", 1},
    {"cis-debian13", "5.1.9", 1},
};

int level_number(const std::string& level) {
  if (level == "L1") {
    return 1;
  }
  if (level == "L2") {
    return 2;
  }
  return 0;
}

bool glob(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

std::string quoted_list(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const auto& value : values) {
    quoted.push_back("'" + value + "'");
  }
  return util::join(quoted, " ");
}

size_t count_matching(const std::vector<CheckPtr>& checks, const std::string& pattern) {
  return static_cast<size_t>(std::count_if(checks.begin(), checks.end(), [&](const CheckPtr& c) {
    return matches_pattern(*c, pattern);
  }));
}

void check_patterns(const std::string& option, const std::vector<std::string>& patterns) {
  for (const auto& pattern : patterns) {
    if (pattern.empty()) {
      throw ConfigError(option + ": an empty pattern (give a check id or benchmark ref glob)");
    }
  }
}

// Each --only pattern must match a check of the profile, each --skip one of the catalog: a
// pattern that matches nothing is a typo that would silently change what runs.
void check_patterns_match(const Selection& selection, const std::vector<CheckPtr>& all,
                          const std::vector<CheckPtr>& profiled) {
  for (const auto& pattern : selection.only) {
    if (count_matching(profiled, pattern) != 0) {
      continue;
    }
    const auto elsewhere = count_matching(all, pattern);
    throw ConfigError("--only '" + pattern + "': matches no check of profile " + selection.profile +
                      (elsewhere == 0
                           ? " (nor any other check id or benchmark ref of the catalog)"
                           : " but " + util::count_of(static_cast<long long>(elsewhere), "check") +
                                 " outside it (choose another with --profile)"));
  }
  for (const auto& pattern : selection.skip) {
    if (count_matching(all, pattern) == 0) {
      throw ConfigError("--skip '" + pattern +
                        "': matches no check id or benchmark ref of the catalog");
    }
  }
}

} // namespace

const std::vector<Profile>& profiles() {
  return k_profiles;
}

const Profile* find_profile(std::string_view name) {
  for (const auto& profile : k_profiles) {
    if (name == profile.name) {
      return &profile;
    }
  }
  return nullptr;
}

int benchmark_level(const Benchmark& benchmark, Platform platform) {
  if (platform == Platform::workstation) {
    for (const auto& row : k_workstation_levels) {
      if (row.benchmark == benchmark.id && row.ref == benchmark.ref) {
        return row.level;
      }
    }
  }
  return level_number(benchmark.level);
}

bool in_profile(const Check& check, const Profile& profile) {
  bool leveled = false;
  for (const auto& benchmark : check.benchmarks) {
    if (level_number(benchmark.level) == 0) {
      continue; // no level: says nothing about profiles
    }
    leveled = true;
    const int level = benchmark_level(benchmark, profile.platform);
    if (level != 0 && level <= profile.max_level) {
      return true;
    }
  }
  return !leveled;
}

bool matches_pattern(const Check& check, const std::string& pattern) {
  if (glob(pattern, check.id)) {
    return true;
  }
  return std::any_of(check.benchmarks.begin(), check.benchmarks.end(), [&](const Benchmark& b) {
    return glob(pattern, b.ref) || glob(pattern, b.id + ":" + b.ref);
  });
}

Catalog select_checks(const Catalog& catalog, const Selection& selection) {
  const auto* profile = find_profile(selection.profile);
  if (profile == nullptr) {
    std::vector<std::string> names;
    for (const auto& row : k_profiles) {
      names.push_back(row.name);
    }
    throw ConfigError("--profile '" + selection.profile + "': unknown profile (expected " +
                      util::join(names, ", ") + ")");
  }
  check_patterns("--only", selection.only);
  check_patterns("--skip", selection.skip);
  std::vector<CheckPtr> in;
  for (const auto& check : catalog.checks) {
    if (in_profile(*check, *profile)) {
      in.push_back(check);
    }
  }
  check_patterns_match(selection, catalog.checks, in);
  Catalog selected;
  selected.files = catalog.files;
  selected.digest = catalog.digest;
  for (const auto& check : in) {
    const auto matches = [&](const std::string& p) { return matches_pattern(*check, p); };
    const bool wanted = selection.only.empty() ||
                        std::any_of(selection.only.begin(), selection.only.end(), matches);
    if (wanted && std::none_of(selection.skip.begin(), selection.skip.end(), matches)) {
      selected.checks.push_back(check);
    }
  }
  if (selected.checks.empty()) {
    std::string what = "--profile " + selection.profile;
    if (!selection.only.empty()) {
      what += " --only " + quoted_list(selection.only);
    }
    if (!selection.skip.empty()) {
      what += " --skip " + quoted_list(selection.skip);
    }
    throw ConfigError(what + ": selects no check (the profile has " +
                      util::count_of(static_cast<long long>(in.size()), "check") + " of " +
                      std::to_string(catalog.checks.size()) + " in the catalog)");
  }
  return selected;
}

} // namespace cisscan
