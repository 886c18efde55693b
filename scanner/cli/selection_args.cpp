#include "cli/selection_args.hpp"

namespace cisscan {

void add_selection_options(CLI::App* command, Selection& selection) {
  command
      ->add_option("--profile", selection.profile,
                   "Checks of a CIS profile: level1-server, level2-server (Level 1 and 2) or "
                   "level1-workstation; checks without a CIS level are in every profile")
      ->capture_default_str();
  command
      ->add_option("--only", selection.only,
                   "Only the checks whose id or benchmark ref matches this glob (repeatable; "
                   "e.g. 'deb12-sshd-*', '5.1.*', 'cis-debian13:1.1.2.1.*')")
      ->allow_extra_args(false);
  command
      ->add_option("--skip", selection.skip,
                   "Leave out the checks whose id or benchmark ref matches this glob "
                   "(repeatable; applied after --only)")
      ->allow_extra_args(false);
}

} // namespace cisscan
