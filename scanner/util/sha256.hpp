// Incremental SHA-256 (OpenSSL), hex output.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace cisscan::util {

class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;

  void update(std::string_view bytes);
  // Lower-case hex digest; the object cannot be updated afterwards.
  std::string hex_digest();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

std::string sha256_hex(std::string_view bytes);

} // namespace cisscan::util
