#include "util/redact.hpp"

#include <doctest/doctest.h>

#include <string>

using cisscan::util::redact_secrets;

namespace {

size_t count(const std::string& text, char c) {
  size_t n = 0;
  for (const char x : text) {
    n += x == c ? 1 : 0;
  }
  return n;
}

} // namespace

TEST_CASE("password hashes are redacted, the shadow structure is kept") {
  SUBCASE("sha-512") {
    const std::string hash = "$6$Zk3Ju1sPq9$Vv9x.JlRz8mH0r5bXkq8yN0vQ1xGqkWmZxA9kXo5N5Zq0m2"
                             "Cw6LrW1u3ZkYx8mHb7y9l2Pq3Kx0q7Jc9f3vT1";
    const std::string line = "root:" + hash + ":19700:0:99999:7:::";
    const auto out = redact_secrets(line);
    CHECK(out == "root:$6$<redacted>:19700:0:99999:7:::");
    CHECK(out.find("Zk3Ju1sPq9") == std::string::npos);
    CHECK(count(out, ':') == count(line, ':'));
  }
  SUBCASE("yescrypt") {
    const std::string line =
        "alice:$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7:19800:0:"
        "99999:7:::";
    const auto out = redact_secrets(line);
    CHECK(out == "alice:$y$<redacted>:19800:0:99999:7:::");
    CHECK(out.find("F5Jx5fExrKuPp53x") == std::string::npos);
  }
  SUBCASE("bcrypt") {
    const std::string line =
        "bob:$2b$12$GhvMmNVjRW29ulnudl.LbuAnUtN/LRfe1JsBm1Xu6LE3059z5Tr8m:19000::::::";
    const auto out = redact_secrets(line);
    CHECK(out == "bob:$2b$<redacted>:19000::::::");
    CHECK(out.find("GhvMmNVjRW29") == std::string::npos);
  }
  SUBCASE("a locked account keeps its marker") {
    const auto out = redact_secrets("carol:!$6$abcdefgh$ijklmnopqrstuvwxyz0123456789:1::::::");
    CHECK(out == "carol:!$6$<redacted>:1::::::");
  }
  SUBCASE("several lines") {
    const auto out = redact_secrets("a:$6$saltsalt$hashhashhash:1::::::\n"
                                    "b:*:1::::::\n"
                                    "c:$5$saltsalt$hashhashhash:1::::::\n");
    CHECK(out == "a:$6$<redacted>:1::::::\nb:*:1::::::\nc:$5$<redacted>:1::::::\n");
  }
  SUBCASE("text without hashes is untouched") {
    const std::string text = "PATH=$PATH:/usr/bin\nprice $6 or $y\nroot:x:0:0:root:/root:/bin/sh\n";
    CHECK(redact_secrets(text) == text);
    CHECK(redact_secrets("") == "");
  }
}

TEST_CASE("private keys lose their body, not their frame") {
  const std::string body =
      "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
      "QyNTUxOQAAACCNvKaBNjAUQzrfYoY9FUCzyQQW7VqT1BoWMeq8zTBkUQAAAJg1SEAGNUhA\n";
  SUBCASE("a complete PEM block") {
    const std::string pem = "before\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + body +
                            "-----END OPENSSH PRIVATE KEY-----\nafter\n";
    const auto out = redact_secrets(pem);
    CHECK(out.find("b3BlbnNzaC1rZXktdjEAAAAA") == std::string::npos);
    CHECK(out.find("QyNTUxOQAAACCNvKaBNjAUQzrf") == std::string::npos);
    CHECK(out == "before\n-----BEGIN OPENSSH PRIVATE KEY-----\n<redacted>\n"
                 "-----END OPENSSH PRIVATE KEY-----\nafter\n");
  }
  SUBCASE("RSA and PKCS#8 encrypted keys") {
    const auto rsa = redact_secrets("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx\n"
                                    "-----END RSA PRIVATE KEY-----\n");
    CHECK(rsa.find("MIIEowIBAAKCAQEAx") == std::string::npos);
    const auto enc = redact_secrets("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG\n"
                                    "-----END ENCRYPTED PRIVATE KEY-----\n");
    CHECK(enc.find("MIIFHDBOBgkqhkiG") == std::string::npos);
  }
  SUBCASE("a truncated block without END") {
    const std::string pem = "-----BEGIN PRIVATE KEY-----\n" + body.substr(0, 100);
    const auto out = redact_secrets(pem);
    CHECK(out == "-----BEGIN PRIVATE KEY-----\n<redacted>\n");
    CHECK(out.find("b3Blbn") == std::string::npos);
  }
  SUBCASE("two keys in one output") {
    const std::string one = "-----BEGIN PRIVATE KEY-----\nSECRETONE\n-----END PRIVATE KEY-----\n";
    const std::string two =
        "-----BEGIN EC PRIVATE KEY-----\nSECRETTWO\n-----END EC PRIVATE KEY-----\n";
    const auto out = redact_secrets(one + "middle\n" + two);
    CHECK(out.find("SECRETONE") == std::string::npos);
    CHECK(out.find("SECRETTWO") == std::string::npos);
    CHECK(out.find("middle\n") != std::string::npos);
    CHECK(out.find("-----END EC PRIVATE KEY-----") != std::string::npos);
  }
  SUBCASE("public keys and certificates are untouched") {
    const std::string pub = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n"
                            "-----END PUBLIC KEY-----\n"
                            "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n"
                            "-----END CERTIFICATE-----\n";
    CHECK(redact_secrets(pub) == pub);
  }
}

TEST_CASE("DES and BSDi hashes in account files are redacted, other fields are not") {
  CHECK(redact_secrets("olduser:ABcdEFghIJ.l/:19700:0:99999:7:::\n") ==
        "olduser:<redacted>:19700:0:99999:7:::\n");
  CHECK(redact_secrets("locked:!ABcdEFghIJ.l/:19700:0:99999:7:::") ==
        "locked:!<redacted>:19700:0:99999:7:::");
  CHECK(redact_secrets("bsd:_J9..abcdEFGH1234.5/:19700::::::") == "bsd:<redacted>:19700::::::");
  CHECK(redact_secrets("legacy:ABcdEFghIJklm:1001:1001:Legacy:/home/legacy:/bin/sh") ==
        "legacy:<redacted>:1001:1001:Legacy:/home/legacy:/bin/sh");
  CHECK(redact_secrets("staff:ABcdEFghIJklm:admin:alice,bob") ==
        "staff:<redacted>:admin:alice,bob");
  // Not hashes, or not account lines: unchanged.
  const std::string kept = "root:*:19700:0:99999:7:::\n"
                           "daemon:!:19700::::::\n"
                           "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
                           "staff:x:50:\n"
                           "sshd:!!:19700::::::\n"
                           "key:ABcdEFghIJklm:value\n"
                           "time 12:34:56 ABcdEFghIJklm\n";
  CHECK(redact_secrets(kept) == kept);
}
