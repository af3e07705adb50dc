#pragma once
// INIT and INIT ACK (RFC 9260 §3.3.2, §3.3.3) with the parameters a WebRTC peer uses:
// State Cookie, Supported Extensions (RFC 5061 §4.2.7), Forward-TSN-Supported (RFC 3758).

#include <cstdint>
#include <span>

#include "base/result.h"
#include "wire/sctp/packet.h"

namespace rtcgate::wire::sctp {

struct InitChunk {
  uint32_t initiateTag = 0;
  uint32_t advertisedWindow = 0;
  uint16_t outboundStreams = 0;
  uint16_t inboundStreams = 0;
  uint32_t initialTsn = 0;
  // What the sender supports, from its parameters.
  bool forwardTsn = false;  // RFC 3758 partial reliability
  bool reconfig = false;    // RFC 6525 stream reset
  std::span<const uint8_t> cookie;  // INIT ACK only

  // `value` of an INIT or INIT ACK chunk. Unknown parameters are skipped (RFC 9260 §3.2.1:
  // a peer's optional parameter we do not know is never a reason to refuse).
  static Result<InitChunk> parse(std::span<const uint8_t> value) noexcept;
  // Writes the chunk (type kInit or kInitAck); the cookie only for INIT ACK.
  bool writeTo(PacketWriter& w, ChunkType type) const noexcept;
};

}  // namespace rtcgate::wire::sctp
