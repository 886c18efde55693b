// Removes secrets from host output before it becomes evidence: crypt(3) password hashes ("$id$"
// schemes anywhere; DES and BSDi hashes in the password field of passwd, shadow and gshadow
// lines) and the bodies of PEM private keys. Structure is kept ("$6$<redacted>") so checks still see a non-empty
// password field.
#pragma once

#include <string>
#include <string_view>

namespace cisscan::util {

std::string redact_secrets(std::string_view text);

} // namespace cisscan::util
