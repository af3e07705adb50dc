#include "signaling.h"

#include "base/random.h"
#include "wire/sdp/rtp_attributes.h"
#include "wire/sdp/session_description.h"
#include "wire/sdp/transport_attributes.h"

namespace rtcgate::load {
namespace {

namespace sdp = wire::sdp;

void line(std::string& out, std::string_view text) {
  out += text;
  out += "\r\n";
}

void mediaSection(std::string& out, const OfferParams& p, bool video) {
  const std::string pt = std::to_string(video ? kVideoPt : kAudioPt);
  // RFC 4588 retransmissions both ways: SRTP replay protection rejects a resent original.
  const bool rtx = video && (!p.publisher || p.videoRtxSsrc != 0 || !p.rids.empty());
  line(out, std::string("m=") + (video ? "video" : "audio") + " 9 UDP/TLS/RTP/SAVPF " + pt +
                (rtx ? " " + std::to_string(kVideoRtxPt) : ""));
  line(out, "c=IN IP4 0.0.0.0");
  line(out, "a=rtcp:9 IN IP4 0.0.0.0");
  line(out, "a=ice-ufrag:" + p.iceUfrag);
  line(out, "a=ice-pwd:" + p.icePwd);
  line(out, "a=ice-options:trickle");
  line(out, "a=fingerprint:sha-256 " + p.fingerprint);
  line(out, "a=setup:actpass");
  line(out, std::string("a=mid:") + (video ? "1" : "0"));
  line(out, std::string("a=extmap:1 ") + kMidUri);
  line(out, std::string("a=extmap:2 ") + kAbsSendTimeUri);
  line(out, std::string("a=extmap:3 ") + kTransportCcUri);
  const bool simulcast = video && p.publisher && !p.rids.empty();
  if (simulcast) {
    line(out, std::string("a=extmap:4 ") + kRidUri);
    line(out, std::string("a=extmap:5 ") + kRepairedRidUri);
  }
  if (!video && p.audioLevel) line(out, std::string("a=extmap:6 ") + kAudioLevelUri);
  line(out, p.publisher ? "a=sendonly" : "a=recvonly");
  if (p.publisher) line(out, std::string("a=msid:load ") + (video ? "video" : "audio"));
  line(out, "a=rtcp-mux");
  if (video) {
    line(out, "a=rtcp-rsize");
    if (p.codec == VideoCodec::kVp8) {
      line(out, "a=rtpmap:" + pt + " VP8/90000");
    } else {
      line(out, "a=rtpmap:" + pt + " H264/90000");
      line(out, "a=fmtp:" + pt + " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
    }
    for (const char* fb : {"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"})
      line(out, "a=rtcp-fb:" + pt + " " + fb);
    if (rtx) {
      line(out, "a=rtpmap:" + std::to_string(kVideoRtxPt) + " rtx/90000");
      line(out, "a=fmtp:" + std::to_string(kVideoRtxPt) + " apt=" + pt);
    }
  } else {
    line(out, "a=rtpmap:" + pt + " opus/48000/2");
    line(out, "a=fmtp:" + pt + " minptime=10;useinbandfec=1");
    line(out, "a=rtcp-fb:" + pt + " transport-cc");
  }
  if (simulcast) {
    std::string list;
    for (const auto& rid : p.rids) {
      line(out, "a=rid:" + rid + " send");
      list += (list.empty() ? "" : ";") + rid;
    }
    line(out, "a=simulcast:send " + list);
  } else if (p.publisher) {
    const std::string ssrc = std::to_string(video ? p.videoSsrc : p.audioSsrc);
    line(out, "a=ssrc:" + ssrc + " cname:" + p.cname);
    line(out, "a=ssrc:" + ssrc + " msid:load " + (video ? "video" : "audio"));
    if (rtx) {
      const std::string rtxSsrc = std::to_string(p.videoRtxSsrc);
      line(out, "a=ssrc-group:FID " + ssrc + " " + rtxSsrc);
      line(out, "a=ssrc:" + rtxSsrc + " cname:" + p.cname);
      line(out, "a=ssrc:" + rtxSsrc + " msid:load video");
    }
  }
}

void readMedia(const sdp::MediaSection& m, AnswerMedia& a) {
  a.kind = m.kind;
  a.mid = std::string(m.mid().value_or(""));
  if (!m.formats.empty()) a.pt = static_cast<uint8_t>(std::atoi(m.formats.front().c_str()));
  for (const auto* attr : m.attributes.all("rtpmap")) {
    auto map = sdp::Rtpmap::parse(attr->value);
    if (map.ok() && (map->encoding == "rtx" || map->encoding == "RTX")) a.rtxPt = map->pt;
  }
  for (const auto* attr : m.attributes.all("extmap")) {
    auto ext = sdp::Extmap::parse(attr->value);
    if (!ext.ok() || ext->id == 0 || ext->id > 14) continue;
    const auto id = static_cast<uint8_t>(ext->id);
    if (ext->uri == kMidUri) a.midExtId = id;
    if (ext->uri == kAbsSendTimeUri) a.absSendTimeExtId = id;
    if (ext->uri == kTransportCcUri) a.transportCcExtId = id;
    if (ext->uri == kRidUri) a.ridExtId = id;
    if (ext->uri == kRepairedRidUri) a.repairedRidExtId = id;
    if (ext->uri == kAudioLevelUri) a.audioLevelExtId = id;
  }
}

}  // namespace

std::string buildOffer(const OfferParams& p) {
  std::string out;
  line(out, "v=0");
  line(out, "o=- " + std::to_string(p.audioSsrc ^ p.videoSsrc ^ 0x5eed) + " 2 IN IP4 127.0.0.1");
  line(out, "s=-");
  line(out, "t=0 0");
  line(out, "a=group:BUNDLE 0 1");
  line(out, "a=extmap-allow-mixed");
  line(out, "a=msid-semantic: WMS load");
  mediaSection(out, p, false);
  mediaSection(out, p, true);
  return out;
}

const AnswerMedia* AnswerParams::find(std::string_view kind) const {
  for (const auto& m : media)
    if (m.kind == kind && m.pt != 0) return &m;
  return nullptr;
}

Result<AnswerParams> parseAnswer(std::string_view text) {
  auto parsed = sdp::SessionDescription::parse(text);
  if (!parsed.ok()) return Error::malformed("answer is not valid SDP");
  const sdp::SessionDescription& sd = *parsed;
  if (sd.media.empty()) return Error::malformed("answer has no media sections");
  AnswerParams a;
  const auto& first = sd.media.front();
  auto ice = sdp::iceCredentials(sd, first);
  if (!ice) return Error::malformed("answer has no ICE credentials");
  a.iceUfrag = ice->ufrag;
  a.icePwd = ice->pwd;
  const auto* fpAttr = sdp::findWithFallback(sd, first, "fingerprint");
  if (fpAttr == nullptr) return Error::malformed("answer has no a=fingerprint");
  auto fp = sdp::Fingerprint::parse(fpAttr->value);
  if (!fp.ok()) return Error::malformed("answer has a malformed a=fingerprint");
  a.fingerprintAlgorithm = fp->hashFunc;
  a.fingerprint = fp->value;
  const auto* setupAttr = sdp::findWithFallback(sd, first, "setup");
  if (setupAttr != nullptr) {
    auto setup = sdp::parseSetup(setupAttr->value);
    if (!setup.ok()) return Error::malformed("answer has a malformed a=setup");
    a.weAreDtlsClient = *setup != sdp::Setup::kActive;
  }
  for (const auto& m : sd.media) {
    for (const auto* attr : m.attributes.all("candidate")) {
      auto c = sdp::Candidate::parse(attr->value);
      if (a.candidate || !c.ok() || c->transport != "udp" || c->component != 1) continue;
      a.candidate = SocketAddress::parse(c->address, c->port);
    }
    AnswerMedia am;
    if (m.port != 0) readMedia(m, am);
    a.media.push_back(std::move(am));
  }
  return a;
}

OfferParams freshOffer(bool publisher, VideoCodec codec, std::string fingerprint, std::string_view cnamePrefix) {
  OfferParams p;
  p.publisher = publisher;
  p.codec = codec;
  p.iceUfrag = randomIceString(8);
  p.icePwd = randomIceString(24);
  p.fingerprint = std::move(fingerprint);
  p.cname = std::string(cnamePrefix) + randomIceString(8);
  if (publisher) {
    p.audioSsrc = randomU32() | 1;
    p.videoSsrc = randomU32() | 2;
    p.videoRtxSsrc = randomU32() | 4;
  }
  return p;
}

}  // namespace rtcgate::load
