#pragma once
// RelayTrack: one track of a relayed stream as it travels on a relay link — the publisher's
// codec and header extensions (packets go as the source sent them; only the SSRC changes), one
// link SSRC per simulcast layer.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "wire/sdp/negotiated_session.h"

namespace rtcgate::sfu {

struct RelayLayer {
  std::string rid;  // the publisher's layer name ("" for one layer)
  uint32_t ssrc = 0;
};

struct RelayTrack {
  std::string kind;  // "audio" or "video"
  uint8_t pt = 0;
  std::string codec;  // "VP8", "H264", "opus"...
  uint32_t clockRate = 0;
  uint16_t channels = 0;
  std::string fmtp;
  std::map<std::string, uint8_t> extensions;  // URI -> id
  std::vector<RelayLayer> layers;
};

// The track as the receiving side's negotiated media: what it receives (recvonly), with the
// link SSRCs announced per layer, so its producer routes by SSRC from the first packet.
wire::sdp::NegotiatedMedia relayedMedia(const RelayTrack& track);

}  // namespace rtcgate::sfu
