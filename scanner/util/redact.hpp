// Removes secrets from host-supplied text before it becomes evidence, a reason or a log line:
// crypt(3) password hashes ("$id$" schemes anywhere; DES and BSDi hashes in the password field of
// passwd, shadow and gshadow lines) and the bodies of PEM and OpenSSH private keys, complete or
// malformed. Structure is kept ("$6$<redacted>") so checks still see a non-empty password field.
#pragma once

#include <string>
#include <string_view>

namespace cisscan::util {

// The one redaction every host-supplied text passes through.
std::string redact_secrets(std::string_view text);
// The same in place: `text` is copied only where something is redacted.
void redact_secrets_in(std::string& text);

// Host-supplied text as one printable line for a reason or a log: redacted, valid UTF-8, control
// characters (terminal escapes, newlines) shown as \xNN or a space, at most `max_bytes` long.
std::string host_line(std::string_view text, size_t max_bytes = 300);

} // namespace cisscan::util
