#pragma once
// The subscriber side of a room for the load tool: reads the server's offer (one m= section
// per received track, sendonly or inactive, recycled as tracks come and go) and writes the
// answer a browser would (recvonly, setup:active, our codec and its RTX, the offered ids of
// the header extensions we use).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "signaling.h"

namespace rtcgate::load {

// One m= section of the server's offer.
struct OfferedSection {
  std::string mid, kind;
  bool rejected = false;  // port 0, or none of our codec
  bool sending = false;   // a=sendonly: a track is on it (else inactive)
  uint8_t pt = 0;
  std::string rtpmap, fmtp;  // of `pt`, echoed in the answer
  std::optional<uint8_t> rtxPt;
  uint8_t midExtId = 0, absSendTimeExtId = 0, transportCcExtId = 0;
  uint32_t ssrc = 0, rtxSsrc = 0;  // the server's, from a=ssrc and a=ssrc-group:FID
};

// The transport of the offer (as AnswerParams has it) and every section in m= order.
struct ServerOffer {
  AnswerParams transport;
  std::vector<OfferedSection> sections;
};

// Errors are static messages ("offer is not valid SDP").
Result<ServerOffer> parseServerOffer(std::string_view sdp, VideoCodec codec);

// Our answer: every section answered in order, accepted ones in one BUNDLE group.
struct AnswerIdentity {
  std::string iceUfrag, icePwd, fingerprint;  // fingerprint: sha-256 upper-case colon hex
  uint64_t sessionId = 1;
};
std::string buildRoomAnswer(const ServerOffer& offer, const AnswerIdentity& us);

}  // namespace rtcgate::load
