// Fuzzes the parser of the room records other nodes write to Redis (cluster/room_record.h),
// and checks that what it accepts writes back to a record that parses to the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cluster/room_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rtcgate::cluster;
  const auto members = parseRoomRecord(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!members) return 0;
  const auto again = parseRoomRecord(roomRecordToJson(*members));
  if (!again || again->size() != members->size()) std::abort();
  for (size_t i = 0; i < members->size(); ++i)
    if ((*again)[i].name != (*members)[i].name || (*again)[i].tracks.size() != (*members)[i].tracks.size() ||
        (*again)[i].joinedMs != (*members)[i].joinedMs)
      std::abort();
  return 0;
}
