#include "inventory/shard.hpp"

#include "util/error.hpp"
#include "util/sha256.hpp"

#include <charconv>

namespace cisscan {

namespace {

bool parse_count(std::string_view text, size_t& value) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

} // namespace

Shard parse_shard(const std::string& text) {
  Shard shard;
  const auto slash = text.find('/');
  if (slash == std::string::npos ||
      !parse_count(std::string_view(text).substr(0, slash), shard.index) ||
      !parse_count(std::string_view(text).substr(slash + 1), shard.count) || shard.count == 0 ||
      shard.count > 100000 || shard.index >= shard.count) {
    throw ConfigError("--shard " + text + ": expected I/N with 0 <= I < N (e.g. 0/4, 3/4)");
  }
  return shard;
}

size_t shard_of(const std::string& host_name, size_t count) {
  const auto digest = util::sha256_hex(host_name);
  uint64_t value = 0;
  std::from_chars(digest.data(), digest.data() + 16, value, 16);
  return static_cast<size_t>(value % count);
}

Inventory select_shard(const Inventory& inventory, const Shard& shard) {
  Inventory out;
  out.source = inventory.source;
  for (const auto& host : inventory.hosts) {
    if (shard_of(host.name, shard.count) == shard.index) {
      out.hosts.push_back(host);
    }
  }
  return out;
}

} // namespace cisscan
