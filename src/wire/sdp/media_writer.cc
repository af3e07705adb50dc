// MediaNegotiator's writing half: turns a NegotiatedMedia into the answer's m= section,
// in the attribute order Chromium itself produces (JSEP RFC 9429 §5.3.1).
#include <string>

#include "wire/sdp/media_negotiator.h"
#include "wire/sdp/simulcast_attributes.h"

namespace rtcgate::wire::sdp {
namespace {

std::string connectionAddress(const std::string& ip) { return (ip.find(':') == std::string::npos ? "IN IP4 " : "IN IP6 ") + ip; }

}  // namespace

std::vector<Candidate> localCandidates(const AnswerOptions& options) {
  std::vector<Candidate> out;
  for (size_t i = 0; i < options.candidates.size(); ++i) {
    const HostCandidate& h = options.candidates[i];
    Candidate c;
    c.foundation = std::to_string(i + 1);
    c.component = 1;
    c.transport = h.transport == "tcp" ? "tcp" : "udp";
    // RFC 8445 §5.1.2.1: host type preference 126; UDP above TCP through local preference.
    uint32_t local = (c.transport == "udp" ? 65535u : 32767u) - static_cast<uint32_t>(i % 1024);
    c.priority = (126u << 24) | (local << 8) | (256u - c.component);
    c.address = h.ip;
    c.port = h.port;
    c.type = "host";
    if (c.transport == "tcp") c.tcpType = "passive";  // RFC 6544 §4.5: we only accept
    out.push_back(std::move(c));
  }
  return out;
}

void MediaNegotiator::writeTransport(MediaSection& out) const {
  if (transport_.withCandidates) {
    for (const auto& c : localCandidates(options_)) out.attributes.add("candidate", c.toString());
    out.attributes.addFlag("end-of-candidates");
  }
  out.attributes.add("ice-ufrag", options_.iceUfrag);
  out.attributes.add("ice-pwd", options_.icePwd);
  out.attributes.add("fingerprint", options_.fingerprintAlgorithm + ' ' + options_.fingerprint);
  out.attributes.add("setup", std::string(setupName(transport_.localSetup)));
}

void MediaNegotiator::writeCodecs(MediaSection& out, const NegotiatedMedia& media) const {
  for (const auto& c : media.codecs) {
    out.attributes.add("rtpmap", Rtpmap{c.pt, c.name, c.clockRate, c.channels}.toString());
    for (const auto& fb : c.rtcpFb) out.attributes.add("rtcp-fb", fb.toString());
    if (!c.fmtp.empty()) out.attributes.add("fmtp", Fmtp{c.pt, c.fmtp}.toString());
    if (c.rtxPt) {
      out.attributes.add("rtpmap", Rtpmap{*c.rtxPt, "rtx", c.clockRate, 0}.toString());
      out.attributes.add("fmtp", Fmtp{*c.rtxPt, "apt=" + std::to_string(c.pt)}.toString());
    }
  }
}

void MediaNegotiator::writeStreams(MediaSection& out, const NegotiatedMedia& media) const {
  if (!media.ridLayers.empty()) {
    Simulcast sc;
    for (const auto& layer : media.ridLayers) {
      out.attributes.add("rid", Rid{layer.rid, RidDirection::kRecv, {}, {}}.toString());
      sc.recv.push_back({SimulcastRid{layer.rid, layer.paused}});
    }
    out.attributes.add("simulcast", sc.toString());
  }
  if (!media.local) return;
  const LocalStream& s = *media.local;
  bool rtx = s.rtxSsrc != 0 && !media.codecs.empty() && media.codecs.front().rtxPt.has_value();
  std::string msid = s.streamId + ' ' + s.trackId;
  if (rtx) out.attributes.add("ssrc-group", SsrcGroup{"FID", {s.ssrc, s.rtxSsrc}}.toString());
  for (uint32_t ssrc : {s.ssrc, rtx ? s.rtxSsrc : 0u}) {
    if (ssrc == 0) continue;
    out.attributes.add("ssrc", SsrcAttribute{ssrc, "cname", s.cname}.toString());
    out.attributes.add("ssrc", SsrcAttribute{ssrc, "msid", msid}.toString());
  }
}

MediaSection MediaNegotiator::write(const MediaSection& offered, const NegotiatedMedia& media) const {
  MediaSection out;
  out.kind = offered.kind;
  out.proto = offered.proto;
  out.port = 9;  // RFC 8839 §4.2.1.3: dummy port when the candidate lines carry the truth
  std::string address = "0.0.0.0";
  if (!options_.candidates.empty()) {
    out.port = options_.candidates.front().port;
    address = options_.candidates.front().ip;
  }
  for (const auto& c : media.codecs) {
    out.formats.push_back(std::to_string(c.pt));
    if (c.rtxPt) out.formats.push_back(std::to_string(*c.rtxPt));
  }
  out.fields.push_back(Field{'c', connectionAddress(address)});
  writeTransport(out);
  out.attributes.add("mid", media.mid);
  for (const auto& a : offered.attributes.all("extmap")) {
    auto e = Extmap::parse(a->value);
    auto it = e ? media.extensions.find(e->uri) : media.extensions.end();
    if (it == media.extensions.end() || it->second != e->id) continue;
    if (e->direction) e->direction = reverseDirection(*e->direction);
    e->attributes.clear();
    out.attributes.add("extmap", e->toString());
  }
  out.attributes.addFlag(std::string(directionName(media.direction)));
  if (media.local) out.attributes.add("msid", media.local->streamId + ' ' + media.local->trackId);
  out.attributes.addFlag("rtcp-mux");
  if (media.rtcpRsize) out.attributes.addFlag("rtcp-rsize");
  writeCodecs(out, media);
  writeStreams(out, media);
  return out;
}

}  // namespace rtcgate::wire::sdp
