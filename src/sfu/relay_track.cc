#include "sfu/relay_track.h"

namespace rtcgate::sfu {

wire::sdp::NegotiatedMedia relayedMedia(const RelayTrack& t) {
  wire::sdp::NegotiatedMedia m;
  m.mid = t.kind;
  m.kind = t.kind;
  m.direction = wire::sdp::Direction::kRecvOnly;
  wire::sdp::NegotiatedCodec c;
  c.pt = t.pt;
  c.name = t.codec;
  c.clockRate = t.clockRate;
  c.channels = t.channels;
  c.fmtp = t.fmtp;
  // Loss on the link is repaired by NACK (the sender answers with the packet again); video
  // keyframes are asked for with PLI.
  c.rtcpFb.push_back({t.pt, "nack", ""});
  if (t.kind == "video") c.rtcpFb.push_back({t.pt, "nack", "pli"});
  m.codecs.push_back(std::move(c));
  m.extensions = t.extensions;
  if (t.layers.size() == 1) {
    m.remoteSsrcs.push_back({t.layers.front().ssrc, "rtcgate-relay", ""});
  } else {
    std::vector<uint32_t> group;
    for (const auto& l : t.layers) {
      m.ridLayers.push_back({l.rid, false, {}, {}});
      group.push_back(l.ssrc);
    }
    m.simGroups.push_back(std::move(group));
  }
  return m;
}

}  // namespace rtcgate::sfu
