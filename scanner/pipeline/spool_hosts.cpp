#include "pipeline/spool_hosts.hpp"

#include "record/record.hpp"

namespace cisscan {

void spool_hosts(const std::filesystem::path& path, HostSpool& spool, HostAssessor* assessor,
                 size_t& index) {
  stream_record(path, {}, [&](json host) {
    spool.append(host, assessor != nullptr ? assessor->add_spooled(host, index) : json());
    ++index;
  });
}

} // namespace cisscan
