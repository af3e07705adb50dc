#include "wire/turn/stream_framing.h"

#include "base/byte_reader.h"
#include "wire/stun/stun_types.h"
#include "wire/turn/channel_data.h"

namespace rtcgate::wire::turn {

Result<size_t> nextFrameLength(std::span<const uint8_t> buffered, size_t maxFrame) noexcept {
  if (buffered.size() < 4) return size_t{0};
  const size_t length = loadU16(buffered.data() + 2);
  size_t frame = 0;
  if ((buffered[0] & 0xC0) == 0) {
    // The magic cookie tells STUN from other bytes with two zero top bits (a TLS record is 0x16).
    if (buffered.size() < 8) return size_t{0};
    if (loadU32(buffered.data() + 4) != stun::kMagicCookie) return Error::malformed("turn stream: no STUN magic cookie");
    if (length % 4 != 0) return Error::malformed("turn stream: STUN length not a multiple of 4");
    frame = stun::kHeaderSize + length;
  } else if (looksLikeChannelData(buffered)) {
    frame = kChannelDataHeaderSize + ((length + 3) & ~size_t{3});  // §12.5: padded on streams
  } else {
    return Error::malformed("turn stream: neither STUN nor ChannelData");
  }
  if (frame > maxFrame) return Error::malformed("turn stream: frame too long");
  return frame;
}

}  // namespace rtcgate::wire::turn
