#include "cli/signals.hpp"

#include "cli/exit_codes.hpp"

#include <csignal>

#include <unistd.h>

namespace cisscan {

namespace {

std::atomic<bool> g_interrupted{false};
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

void on_signal(int) {
  if (g_interrupted.exchange(true)) {
    constexpr char k_message[] = "cisscan: interrupted again: exiting at once\n";
    [[maybe_unused]] const auto n = write(STDERR_FILENO, k_message, sizeof(k_message) - 1);
    _exit(k_exit_incomplete);
  }
  constexpr char k_message[] =
      "cisscan: interrupted: stopping the hosts still running and writing the reports "
      "(again to exit at once)\n";
  [[maybe_unused]] const auto n = write(STDERR_FILENO, k_message, sizeof(k_message) - 1);
}

} // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted = false;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

const std::atomic<bool>& InterruptGuard::interrupted() const {
  return g_interrupted;
}

} // namespace cisscan
