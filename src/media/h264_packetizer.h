#pragma once
// H264Packetizer: cuts an H.264 access unit into RTP payloads (RFC 6184,
// packetization-mode 1).

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "media/annex_b.h"
#include "media/rtp_payload.h"

namespace rtcgate::media {

// Writes one access unit's payloads, one at a time, into caller buffers (no allocation).
// NAL units that fit are sent alone (§5.6), consecutive small ones (SPS and PPS before an
// IDR, SEI before a slice) are aggregated into one STAP-A (§5.7.1) while it fits, and
// larger ones are split into FU-A fragments (§5.8). The last payload of the access unit
// asks for the marker bit (§5.1).
class H264Packetizer {
 public:
  static constexpr size_t kMinPayload = 3;  // FU indicator, FU header, one byte

  explicit H264Packetizer(size_t maxPayload = kDefaultMaxRtpPayload) noexcept;

  // Starts an access unit in Annex B form, borrowed until the last next(). kMalformed if
  // it holds no NAL unit or one of type 0 or 24..31, which RTP cannot carry as a single
  // NAL unit (those types mean aggregation and fragmentation there).
  //
  // `parameterSets` (Annex B SPS and PPS, e.g. MediaFrame::config from an FLV source whose
  // keyframes carry them out of band) are sent first when the access unit holds an IDR
  // slice but not both its own SPS and PPS (both are sent then, SPS first, so a PPS never
  // precedes the SPS it refers to). Other NAL units in `parameterSets` are skipped.
  Status setFrame(std::span<const uint8_t> annexB, std::span<const uint8_t> parameterSets = {}) noexcept;
  bool hasNext() const noexcept { return !fuNal_.empty() || !next_.empty(); }
  // Writes the next payload; kNoSpace if `out` is too small for it, kState when done.
  Result<PacketizedPayload> next(std::span<uint8_t> out) noexcept;

 private:
  size_t fragment(std::span<uint8_t> out) noexcept;
  size_t aggregate(std::span<const uint8_t> nal, std::span<uint8_t> out) noexcept;
  void advance() noexcept;

  AnnexBReader prefix_{{}};  // parameter sets still to send, before reader_
  AnnexBReader reader_{{}};
  std::span<const uint8_t> next_;   // the next NAL unit to send whole or start fragmenting
  std::span<const uint8_t> fuNal_;  // the NAL unit being fragmented
  size_t fuOffset_ = 0;             // its next byte to send (1: just past the NAL header)
  size_t maxPayload_;
};

}  // namespace rtcgate::media
