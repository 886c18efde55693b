#include "util/sha256.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>

using cisscan::util::Sha256;
using cisscan::util::sha256_hex;

TEST_CASE("sha256 known vectors") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 hashes bytes, NULs included") {
  const std::string with_nul("a\0b", 3);
  CHECK(sha256_hex(with_nul) != sha256_hex("a"));
  CHECK(sha256_hex(with_nul).size() == 64);
}

TEST_CASE("incremental sha256 equals one-shot") {
  Sha256 hash;
  hash.update("a");
  hash.update("");
  hash.update("bc");
  CHECK(hash.hex_digest() == sha256_hex("abc"));

  SUBCASE("after a move") {
    Sha256 first;
    first.update("ab");
    Sha256 second(std::move(first));
    second.update("c");
    CHECK(second.hex_digest() == sha256_hex("abc"));
    Sha256 third;
    third = std::move(second);
    CHECK(third.hex_digest().size() == 64);
  }
}
