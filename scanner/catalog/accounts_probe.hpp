// The `accounts` probe type: fixed questions about the local account files (/etc/passwd,
// /etc/group, /etc/shadow, with /etc/shells and login.defs' UID_MIN where a question needs them),
// each answered by an awk program that never prints a password field; and the facts' one
// reading of those files (fact probe f-accounts), one awk process answering every question the
// catalog asks, from which the probes are answered without a process each on the host.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

// The questions, for the probe type's summary and the lint message.
std::vector<std::string_view> account_queries();
// Empty when `query` is one of them, else what was expected.
std::string validate_account_query(std::string_view query);

// The probe's command: the answer's lines (names, or "NAME:FIELD"), exit 0; exit 3 with the line
// "no FILE" when a file the question needs is absent, 4 with "cannot read FILE" when it cannot
// be read (/etc/shadow, scanning without root).
std::string accounts_command(std::string_view query);

// The fact probe's command for these questions: one awk pass over the files they need, printing
// for each question a block of catalog/fact_blocks.hpp with what accounts_command prints for it,
// output and exit code: the probe is answered by that block.
std::string accounts_fact_command(const std::vector<std::string>& queries);

} // namespace cisscan
