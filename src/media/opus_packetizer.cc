#include "media/opus_packetizer.h"

#include <cstring>

namespace rtcgate::media {

Result<PacketizedPayload> OpusPacketizer::packetize(std::span<const uint8_t> frame,
                                                    std::span<uint8_t> out) noexcept {
  // RFC 6716 §3.1: an Opus packet has at least its TOC byte.
  if (frame.empty()) return Error::malformed("opus: empty frame");
  if (out.size() < frame.size()) return Error::noSpace("opus: payload buffer too small");
  std::memcpy(out.data(), frame.data(), frame.size());
  return PacketizedPayload{frame.size(), false};
}

}  // namespace rtcgate::media
