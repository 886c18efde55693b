// Which checks of a catalog a run takes: a profile (CIS benchmark level and platform), narrowed
// by --only patterns and then by --skip patterns.
#pragma once

#include "catalog/check.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

// The platform a CIS benchmark profile is written for: its levels differ between the two.
enum class Platform { server, workstation };

// One row of the profile table: the recommendations of at most `max_level` for `platform`.
struct Profile {
  const char* name;
  Platform platform;
  int max_level;
  const char* summary;
};

inline constexpr const char* k_default_profile = "level1-server";

// The profile table: level1-server (the default), level2-server, level1-workstation.
const std::vector<Profile>& profiles();
// The row of that name, or nullptr.
const Profile* find_profile(std::string_view name);

// What a run selects (`--profile`, `--only`, `--skip`; the last two repeatable globs).
struct Selection {
  std::string profile = k_default_profile;
  std::vector<std::string> only;
  std::vector<std::string> skip;
};

// The level (1 or 2) one recommendation has in the profiles of `platform`; 0 when that platform's
// profiles leave it out or its level is not L1/L2. The check files give the server level; where
// CIS's workstation profile differs (CIS Debian 12 and 13), a table of ours says so.
int benchmark_level(const Benchmark& benchmark, Platform platform);
// Whether a check is in the profile: one of its recommendations is at most the profile's level
// for its platform. A check that names no recommendation with a level is in every profile.
bool in_profile(const Check& check, const Profile& profile);
// Whether a glob (fnmatch: `*`, `?`, `[...]`) matches the check's id, one of its benchmark refs
// ("5.1.*") or one of them as BENCHMARK:REF ("cis-debian13:5.1.*").
bool matches_pattern(const Check& check, const std::string& pattern);

// The catalog narrowed to the selection (files and digest unchanged: the files were read).
// Throws ConfigError naming the option: an unknown profile, an --only pattern that matches no
// check of the profile, a --skip pattern that matches no check of the catalog, or a selection
// that leaves no check.
Catalog select_checks(const Catalog& catalog, const Selection& selection);

} // namespace cisscan
