// cisscan: everything lives in the cisscan_core library; this only calls into it.
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  return cisscan::run_cli(argc, argv);
}
