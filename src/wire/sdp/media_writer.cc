// MediaNegotiator's writing half: turns a NegotiatedMedia into the answer's m= section,
// in the attribute order Chromium itself produces (JSEP RFC 9429 §5.3.1).
#include <string>

#include "wire/sdp/media_negotiator.h"
#include "wire/sdp/section_common.h"
#include "wire/sdp/simulcast_attributes.h"

namespace rtcgate::wire::sdp {
namespace {

std::string connectionAddress(const std::string& ip) { return (ip.find(':') == std::string::npos ? "IN IP4 " : "IN IP6 ") + ip; }


}  // namespace

std::vector<Candidate> localCandidates(const AnswerOptions& options) {
  return hostCandidates(options.candidates);
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
  bool rtx = !media.codecs.empty() && media.codecs.front().rtxPt.has_value();
  writeLocalStreamLines(out.attributes, *media.local, rtx);
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
  writeCodecLines(out.attributes, media.codecs);
  writeStreams(out, media);
  return out;
}

// RFC 8841: a data channel section carries SCTP over the bundle's DTLS.
SdpResult<SectionAnswer> MediaNegotiator::negotiateData(const MediaSection& offered, NegotiatedData& data) const {
  data.mid = std::string(offered.mid().value_or(""));
  if (auto read = readSctpParameters(offered, data); !read) return read.error();
  data.localMaxMessageSize = options_.maxMessageSize;

  SectionAnswer answer;
  MediaSection& out = answer.section;
  out.kind = "application";
  out.proto = offered.proto;
  out.formats = {"webrtc-datachannel"};
  out.port = 9;
  std::string address = "0.0.0.0";
  if (!options_.candidates.empty()) {
    out.port = options_.candidates.front().port;
    address = options_.candidates.front().ip;
  }
  out.fields.push_back(Field{'c', connectionAddress(address)});
  writeTransport(out);
  out.attributes.add("mid", data.mid);
  writeSctpParameters(out.attributes, data);
  return answer;
}

}  // namespace rtcgate::wire::sdp
