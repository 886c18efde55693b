// --shard I/N: a stable share of the inventory, by a hash of each host's name, so a host keeps
// its shard as the fleet grows or shrinks around it.
#pragma once

#include "inventory/inventory.hpp"

#include <string>

namespace cisscan {

struct Shard {
  size_t index = 0; // 0-based, as Kubernetes' JOB_COMPLETION_INDEX
  size_t count = 1;
};

// "I/N" with 0 <= I < N; throws ConfigError naming the option otherwise.
Shard parse_shard(const std::string& text);
// The shard (0..count-1) a host of this name belongs to.
size_t shard_of(const std::string& host_name, size_t count);
// The inventory's hosts of `shard`, in inventory order.
Inventory select_shard(const Inventory& inventory, const Shard& shard);

} // namespace cisscan
