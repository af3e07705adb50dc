#pragma once
// Signaling for the load tool: the SDP offers a synthetic publisher (sendonly) and
// subscriber (recvonly) send, and the few facts each needs from the server's answer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/socket_address.h"
#include "media_source.h"

namespace rtcgate::load {

// Payload types we offer; the server's answer keeps the offerer's numbers.
inline constexpr uint8_t kVideoPt = 96, kVideoRtxPt = 97, kAudioPt = 111;
inline constexpr const char* kMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr const char* kAbsSendTimeUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr const char* kTransportCcUri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr const char* kRidUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr const char* kRepairedRidUri = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
inline constexpr const char* kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

// What goes into one offer.
struct OfferParams {
  bool publisher = false;  // sendonly audio+video, else recvonly
  VideoCodec codec = VideoCodec::kVp8;
  std::string iceUfrag, icePwd;
  std::string fingerprint;  // sha-256, upper-case colon hex
  uint32_t audioSsrc = 0, videoSsrc = 0, videoRtxSsrc = 0;  // publisher only
  std::string cname;
  // Simulcast (RFC 8853): the video section offers these rids, highest first, as Chromium
  // does (a=rid lines, a=simulcast, no a=ssrc for video: the layers are told apart by the
  // rtp-stream-id header extension, their RTX by repaired-rtp-stream-id).
  std::vector<std::string> rids;
  bool audioLevel = false;  // offer the RFC 6464 audio level extension
};

// JSEP-shaped offer with BUNDLE, rtcp-mux, actpass, audio (mid 0) then video (mid 1).
std::string buildOffer(const OfferParams& p);
// A publisher's (random SSRCs) or a player's offer parameters with fresh ICE credentials;
// `fingerprint` is our DTLS certificate's, `cnamePrefix` starts the CNAME.
OfferParams freshOffer(bool publisher, VideoCodec codec, std::string fingerprint, std::string_view cnamePrefix);

// One accepted section of the answer.
struct AnswerMedia {
  std::string kind, mid;
  uint8_t pt = 0;
  std::optional<uint8_t> rtxPt;
  uint8_t midExtId = 0, absSendTimeExtId = 0, transportCcExtId = 0;  // 0 = not negotiated
  uint8_t ridExtId = 0, repairedRidExtId = 0, audioLevelExtId = 0;
};

// The transport and media parameters read from an answer.
struct AnswerParams {
  std::string iceUfrag, icePwd;
  std::string fingerprintAlgorithm, fingerprint;
  bool weAreDtlsClient = true;  // the answer said a=setup:passive
  std::optional<SocketAddress> candidate;  // first UDP candidate
  std::vector<AnswerMedia> media;
  const AnswerMedia* find(std::string_view kind) const;
};

// Parses an answer; errors are static messages ("answer has no ICE credentials").
Result<AnswerParams> parseAnswer(std::string_view sdp);

}  // namespace rtcgate::load
