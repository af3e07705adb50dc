#include "room_sdp.h"

#include <cctype>
#include <cstdlib>

#include "wire/sdp/rtp_attributes.h"
#include "wire/sdp/session_description.h"

namespace rtcgate::load {
namespace {

namespace sdp = wire::sdp;

bool sameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Our codec's payload type in the section, its rtpmap and fmtp text, and the RTX type for it.
void pickCodec(const sdp::MediaSection& m, VideoCodec codec, OfferedSection& s) {
  const std::string_view want = m.kind == "audio" ? "opus" : codec == VideoCodec::kVp8 ? "VP8" : "H264";
  for (const auto* attr : m.attributes.all("rtpmap")) {
    auto map = sdp::Rtpmap::parse(attr->value);
    if (map.ok() && s.rtpmap.empty() && sameName(map->encoding, want)) {
      s.pt = map->pt;
      s.rtpmap = attr->value;
    }
  }
  if (s.rtpmap.empty()) return;
  for (const auto* attr : m.attributes.all("fmtp")) {
    auto f = sdp::Fmtp::parse(attr->value);
    if (!f.ok()) continue;
    if (f->pt == s.pt) s.fmtp = attr->value;
    const auto params = sdp::parseFmtpParams(f->params);
    const auto apt = sdp::findFmtpParam(params, "apt");
    if (apt && std::atoi(std::string(*apt).c_str()) == s.pt) s.rtxPt = f->pt;
  }
}

void readSsrcs(const sdp::MediaSection& m, OfferedSection& s) {
  for (const auto* attr : m.attributes.all("ssrc-group")) {
    auto g = sdp::SsrcGroup::parse(attr->value);
    if (g.ok() && g->semantics == "FID" && g->ssrcs.size() == 2) {
      s.ssrc = g->ssrcs[0];
      s.rtxSsrc = g->ssrcs[1];
    }
  }
  if (s.ssrc != 0) return;
  for (const auto* attr : m.attributes.all("ssrc")) {
    auto a = sdp::SsrcAttribute::parse(attr->value);
    if (a.ok()) {
      s.ssrc = a->ssrc;
      return;
    }
  }
}

void line(std::string& out, std::string_view text) {
  out += text;
  out += "\r\n";
}

void answerSection(std::string& out, const OfferedSection& s, const AnswerIdentity& us) {
  if (s.rejected) {
    line(out, "m=" + s.kind + " 0 UDP/TLS/RTP/SAVPF 0");
    line(out, "c=IN IP4 0.0.0.0");
    line(out, "a=mid:" + s.mid);
    return;
  }
  const std::string pt = std::to_string(s.pt);
  line(out, "m=" + s.kind + " 9 UDP/TLS/RTP/SAVPF " + pt + (s.rtxPt ? " " + std::to_string(*s.rtxPt) : ""));
  line(out, "c=IN IP4 0.0.0.0");
  line(out, "a=rtcp:9 IN IP4 0.0.0.0");
  line(out, "a=ice-ufrag:" + us.iceUfrag);
  line(out, "a=ice-pwd:" + us.icePwd);
  line(out, "a=fingerprint:sha-256 " + us.fingerprint);
  line(out, "a=setup:active");
  line(out, "a=mid:" + s.mid);
  if (s.midExtId) line(out, "a=extmap:" + std::to_string(s.midExtId) + " " + kMidUri);
  if (s.absSendTimeExtId) line(out, "a=extmap:" + std::to_string(s.absSendTimeExtId) + " " + kAbsSendTimeUri);
  if (s.transportCcExtId) line(out, "a=extmap:" + std::to_string(s.transportCcExtId) + " " + kTransportCcUri);
  line(out, s.sending ? "a=recvonly" : "a=inactive");
  line(out, "a=rtcp-mux");
  line(out, "a=rtpmap:" + s.rtpmap);
  if (!s.fmtp.empty()) line(out, "a=fmtp:" + s.fmtp);
  if (s.kind == "video") {
    line(out, "a=rtcp-rsize");
    for (const char* fb : {"transport-cc", "ccm fir", "nack", "nack pli"}) line(out, "a=rtcp-fb:" + pt + " " + fb);
    if (s.rtxPt) {
      line(out, "a=rtpmap:" + std::to_string(*s.rtxPt) + " rtx/90000");
      line(out, "a=fmtp:" + std::to_string(*s.rtxPt) + " apt=" + pt);
    }
  } else {
    line(out, "a=rtcp-fb:" + pt + " transport-cc");
  }
}

}  // namespace

Result<ServerOffer> parseServerOffer(std::string_view text, VideoCodec codec) {
  auto transport = parseAnswer(text);  // ICE, DTLS and candidate read the same in an offer
  if (!transport.ok()) return transport.error();
  if (!transport->candidate) return Error::malformed("offer has no UDP candidate");
  auto parsed = sdp::SessionDescription::parse(text);
  if (!parsed.ok()) return Error::malformed("offer is not valid SDP");
  ServerOffer out;
  out.transport = std::move(*transport);
  for (size_t i = 0; i < parsed->media.size(); ++i) {
    const auto& m = parsed->media[i];
    const AnswerMedia& am = out.transport.media[i];
    OfferedSection s;
    s.mid = std::string(m.mid().value_or(""));
    s.kind = m.kind;
    if (s.mid.empty()) return Error::malformed("offer has a section without a=mid");
    if (m.port != 0 && (m.kind == "audio" || m.kind == "video")) pickCodec(m, codec, s);
    s.rejected = s.rtpmap.empty();
    s.sending = sdp::mediaDirection(*parsed, m) == sdp::Direction::kSendOnly;
    s.midExtId = am.midExtId;
    s.absSendTimeExtId = am.absSendTimeExtId;
    s.transportCcExtId = am.transportCcExtId;
    readSsrcs(m, s);
    out.sections.push_back(std::move(s));
  }
  return out;
}

std::string buildRoomAnswer(const ServerOffer& offer, const AnswerIdentity& us) {
  std::string bundle;
  for (const auto& s : offer.sections)
    if (!s.rejected) bundle += " " + s.mid;
  std::string out;
  line(out, "v=0");
  line(out, "o=- " + std::to_string(us.sessionId) + " 2 IN IP4 127.0.0.1");
  line(out, "s=-");
  line(out, "t=0 0");
  if (!bundle.empty()) line(out, "a=group:BUNDLE" + bundle);
  line(out, "a=msid-semantic: WMS");
  for (const auto& s : offer.sections) answerSection(out, s, us);
  return out;
}

}  // namespace rtcgate::load
