#include "wire/turn/channel_data.h"

#include <cstring>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace rtcgate::wire::turn {
namespace {
constexpr size_t padded(size_t n) noexcept {
  return (n + 3) & ~size_t{3};
}
}  // namespace

Result<ChannelData> parseChannelData(std::span<const uint8_t> bytes) noexcept {
  if (bytes.size() < kChannelDataHeaderSize) return Error::truncated("channeldata: shorter than header");
  const uint16_t channel = loadU16(bytes.data());
  if (!validChannel(channel)) return Error::malformed("channeldata: channel number out of range");
  const size_t length = loadU16(bytes.data() + 2);
  const size_t available = bytes.size() - kChannelDataHeaderSize;
  if (available < length) return Error::truncated("channeldata: shorter than its length");
  if (available > padded(length)) return Error::malformed("channeldata: trailing bytes");
  return ChannelData{channel, bytes.subspan(kChannelDataHeaderSize, length)};
}

Result<size_t> serializeChannelData(uint16_t channel, std::span<const uint8_t> data, bool pad,
                                    std::span<uint8_t> out) noexcept {
  if (!validChannel(channel)) return Error::malformed("channeldata: channel number out of range");
  if (data.size() > 0xFFFF) return Error::noSpace("channeldata: data longer than 65535");
  const size_t total = kChannelDataHeaderSize + (pad ? padded(data.size()) : data.size());
  if (out.size() < total) return Error::noSpace("channeldata: does not fit");
  storeU16(out.data(), channel);
  storeU16(out.data() + 2, static_cast<uint16_t>(data.size()));
  if (!data.empty()) std::memmove(out.data() + kChannelDataHeaderSize, data.data(), data.size());
  std::memset(out.data() + kChannelDataHeaderSize + data.size(), 0,
              total - kChannelDataHeaderSize - data.size());
  return total;
}

}  // namespace rtcgate::wire::turn
