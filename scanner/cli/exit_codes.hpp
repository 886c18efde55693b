// Exit codes, from DESIGN.md; precedence 2 > 3 > 1 > 0.
#pragma once

namespace cisscan {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_gate_failed = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_incomplete = 3;

} // namespace cisscan
