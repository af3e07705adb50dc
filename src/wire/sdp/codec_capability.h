#pragma once
// CodecCapability: a codec we can receive/forward, and the rules (RFC 6184 §8.2.2 for
// H.264, profile-id for VP9/AV1) that decide whether an offered payload type matches it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wire/sdp/rtp_attributes.h"

namespace rtcgate::wire::sdp {

// A codec the negotiator may accept, with the fmtp and feedback it supports.
struct CodecCapability {
  std::string kind;  // "audio" or "video"
  std::string name;  // matched case-insensitively against a=rtpmap
  uint32_t clockRate = 0;
  uint16_t channels = 0;  // 0 = do not care (video)
  std::vector<FmtpParam> fmtp;     // parameters that must be compatible (see matchCodec)
  std::vector<RtcpFb> rtcpFb;      // pt is ignored; type/param pairs we honour
  bool rtx = false;                // pair an RTX payload type (RFC 4588) when offered
};

// VP8, VP9 (profile 0), H.264 (constrained baseline 42e01f, packetization-mode 1), AV1.
std::vector<CodecCapability> defaultVideoCodecs();
// Opus 48000/2; RED (RFC 2198) is added by the negotiator only when enabled.
std::vector<CodecCapability> defaultAudioCodecs();

// H.264 profile-level-id split per RFC 6184 §8.1 (profile_idc, profile-iop, level_idc).
struct H264ProfileLevel {
  enum class Profile : uint8_t { kConstrainedBaseline, kBaseline, kMain, kExtended, kHigh, kConstrainedHigh, kOther };
  Profile profile = Profile::kOther;
  uint8_t profileIdc = 0;
  uint8_t profileIop = 0;
  uint8_t levelIdc = 0;
  static std::optional<H264ProfileLevel> parse(std::string_view hex);
};

// If the offered codec (`map` + its fmtp `offered`) matches `cap`, returns the fmtp the
// answer should carry for it (possibly empty); otherwise nullopt.
std::optional<std::vector<FmtpParam>> matchCodec(const CodecCapability& cap, const Rtpmap& map,
                                                 const std::vector<FmtpParam>& offered);

}  // namespace rtcgate::wire::sdp
