// Errors that end a command: bad input or configuration (exit 2). Host problems never use these.
#pragma once

#include <stdexcept>
#include <string>

namespace cisscan {

// A configuration or usage error; the message already names the file and line, host or option.
class ConfigError : public std::runtime_error {
public:
  explicit ConfigError(const std::string& message) : std::runtime_error(message) {}
};

} // namespace cisscan
