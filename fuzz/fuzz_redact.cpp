// Redaction of host output: any text around one planted secret (a crypt(3) hash of a "$id$"
// scheme, or a PEM private key) on lines of its own. The secret must not survive redaction
// (more often than the surrounding text already holds it), and redaction must be stable.
#include "fuzz_input.hpp"
#include "util/redact.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <string>
#include <string_view>

namespace {

size_t count(std::string_view text, std::string_view what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// `length` characters of `alphabet`, chosen by the input.
std::string draw(FuzzedDataProvider& input, std::string_view alphabet, size_t length) {
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    out += alphabet[input.ConsumeIntegralInRange<size_t>(0, alphabet.size() - 1)];
  }
  return out;
}

constexpr std::string_view k_salt =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view k_base64 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/";

// Returns the planted text and, in `secret`, what must not be seen again.
std::string plant(FuzzedDataProvider& input, std::string& secret) {
  static constexpr std::array<std::string_view, 11> k_schemes = {
      "$1$", "$2a$", "$2b$", "$2y$", "$5$", "$6$", "$7$", "$y$", "$gy$", "$sha1$", "$md5$"};
  static constexpr std::array<std::string_view, 4> k_labels = {
      "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"};
  if (input.ConsumeBool()) {
    const auto scheme = k_schemes[input.ConsumeIntegralInRange<size_t>(0, k_schemes.size() - 1)];
    secret = draw(input, k_salt, input.ConsumeIntegralInRange<size_t>(8, 16)) + "$" +
             draw(input, k_salt, input.ConsumeIntegralInRange<size_t>(22, 86));
    return std::string(scheme) + secret;
  }
  const auto label = k_labels[input.ConsumeIntegralInRange<size_t>(0, k_labels.size() - 1)];
  secret = draw(input, k_base64, input.ConsumeIntegralInRange<size_t>(24, 64));
  return "-----BEGIN " + std::string(label) + "-----\n" + secret + "\n-----END " +
         std::string(label) + "-----";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  std::string secret;
  const auto planted = plant(input, secret);
  const auto before = input.ConsumeRandomLengthString();
  const auto after = input.ConsumeRemainingBytesAsString();
  const auto text = before + "\n" + planted + "\n" + after;

  const auto redacted = cisscan::util::redact_secrets(text);
  if (count(redacted, secret) > count(before, secret) + count(after, secret)) {
    std::fprintf(stderr, "secret kept: %s\n", secret.c_str());
    std::abort();
  }
  if (cisscan::util::redact_secrets(redacted) != redacted) {
    std::fprintf(stderr, "redacting the redacted text changed it\n");
    std::abort();
  }
  // The raw input too, as host output arrives.
  cisscan::util::redact_secrets(cisscan::fuzz::as_text(data, size));
  return 0;
}
