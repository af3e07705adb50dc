#include "wire/sdp/media_negotiator.h"

#include <algorithm>
#include <map>
#include <set>

#include "wire/sdp/codec_capability.h"
#include "wire/sdp/sdp_text.h"
#include "wire/sdp/section_common.h"
#include "wire/sdp/simulcast_attributes.h"

namespace rtcgate::wire::sdp {
namespace {

// Feedback the offer lists for `pt` (or for "*") that the capability also supports.
std::vector<RtcpFb> agreedFeedback(const SectionFormats& f, const CodecCapability& cap, uint8_t pt) {
  std::vector<RtcpFb> out;
  for (const auto& fb : f.feedback) {
    if (fb.pt != pt && fb.pt != -1) continue;
    bool supported = std::any_of(cap.rtcpFb.begin(), cap.rtcpFb.end(),
                                 [&](const RtcpFb& c) { return c.type == fb.type && c.param == fb.param; });
    RtcpFb mine{pt, fb.type, fb.param};
    if (supported && std::find(out.begin(), out.end(), mine) == out.end()) out.push_back(mine);
  }
  return out;
}

// RFC 2198 / Chromium: audio RED whose fmtp is "<opus>/<opus>".
std::optional<NegotiatedCodec> findAudioRed(const SectionFormats& f, uint8_t opusPt) {
  for (uint8_t pt : f.order) {
    auto it = f.rtpmaps.find(pt);
    if (it == f.rtpmaps.end() || !equalsIgnoreCase(it->second.encoding, "red") || it->second.clockRate != 48000)
      continue;
    auto params = fmtpOf(f, pt);
    std::string want = std::to_string(opusPt) + '/' + std::to_string(opusPt);
    if (params.size() == 1 && params[0].first.empty() && params[0].second == want)
      return NegotiatedCodec{pt, it->second.encoding, 48000, it->second.channels, want, {}, std::nullopt};
  }
  return std::nullopt;
}

// Candidate pairs (capability, offered pt) in the order preference dictates.
std::vector<std::pair<const CodecCapability*, uint8_t>> rankMatches(const SectionFormats& f,
                                                                    const std::vector<CodecCapability>& caps,
                                                                    bool offerOrder) {
  std::vector<std::pair<const CodecCapability*, uint8_t>> out;
  auto consider = [&](const CodecCapability& cap, uint8_t pt) {
    auto it = f.rtpmaps.find(pt);
    if (it != f.rtpmaps.end() && matchCodec(cap, it->second, fmtpOf(f, pt))) out.emplace_back(&cap, pt);
  };
  if (offerOrder) {
    for (uint8_t pt : f.order)
      for (const auto& cap : caps) consider(cap, pt);
  } else {
    for (const auto& cap : caps)
      for (uint8_t pt : f.order) consider(cap, pt);
  }
  return out;
}

}  // namespace

SdpResult<bool> MediaNegotiator::chooseCodecs(const MediaSection& offered, NegotiatedMedia& media) const {
  auto formats = readFormats(offered);
  if (!formats) return formats.error();
  const auto& f = formats.value();
  const auto& caps = media.kind == "video" ? options_.videoCodecs : options_.audioCodecs;
  for (const auto& [cap, pt] : rankMatches(f, caps, options_.preferOfferOrder)) {
    const Rtpmap& map = f.rtpmaps.at(pt);
    auto fmtp = matchCodec(*cap, map, fmtpOf(f, pt));
    NegotiatedCodec c{pt, map.encoding, map.clockRate, map.channels, joinFmtpParams(*fmtp),
                      agreedFeedback(f, *cap, pt), std::nullopt};
    if (cap->rtx) c.rtxPt = findRtx(f, pt, map.clockRate);
    media.codecs.push_back(std::move(c));
    if (options_.singleCodec) break;
  }
  if (media.codecs.empty()) return false;
  if (media.kind == "audio" && options_.audioRed && equalsIgnoreCase(media.codecs[0].name, "opus")) {
    if (auto red = findAudioRed(f, media.codecs[0].pt)) media.codecs.insert(media.codecs.begin(), std::move(*red));
  }
  return true;
}

void MediaNegotiator::readExtensions(const MediaSection& offered, NegotiatedMedia& media) const {
  for (const auto* a : offered.attributes.all("extmap")) {
    auto e = Extmap::parse(a->value);
    if (!e || e->id > 255) continue;  // an extension we cannot read is one we do not accept
    const auto& wanted = options_.headerExtensions;
    if (std::find(wanted.begin(), wanted.end(), e->uri) != wanted.end())
      media.extensions.emplace(e->uri, static_cast<uint8_t>(e->id));
  }
}

SdpResult<bool> MediaNegotiator::readRemoteStreams(const MediaSection& offered, NegotiatedMedia& media) const {
  if (const Attribute* a = offered.attributes.find("msid")) {
    auto m = typed<Msid>(*a);
    if (!m) return m.error();
    media.msid = std::move(m.value());
  }
  for (const auto* a : offered.attributes.all("ssrc")) {
    auto s = typed<SsrcAttribute>(*a);
    if (!s) return s.error();
    auto it = std::find_if(media.remoteSsrcs.begin(), media.remoteSsrcs.end(),
                           [&](const RemoteSsrc& r) { return r.ssrc == s->ssrc; });
    if (it == media.remoteSsrcs.end()) it = media.remoteSsrcs.insert(media.remoteSsrcs.end(), RemoteSsrc{s->ssrc, {}, {}});
    if (s->attribute == "cname") it->cname = s->value;
    if (s->attribute == "msid") it->msid = s->value;
  }
  for (const auto* a : offered.attributes.all("ssrc-group")) {
    auto g = typed<SsrcGroup>(*a);
    if (!g) return g.error();
    if (g->semantics == "FID" && g->ssrcs.size() == 2) media.fidPairs.emplace_back(g->ssrcs[0], g->ssrcs[1]);
    if (g->semantics == "SIM") media.simGroups.push_back(g->ssrcs);
  }
  return true;
}

// RFC 8853 §5.3: for each offered send stream take the first alternative we can receive
// (a rid declared "send" whose pt= restriction, if any, names a codec we accepted).
SdpResult<bool> MediaNegotiator::readSimulcast(const MediaSection& offered, NegotiatedMedia& media) const {
  const Attribute* sc = offered.attributes.find("simulcast");
  if (sc == nullptr) return true;
  auto simulcast = typed<Simulcast>(*sc);
  if (!simulcast) return simulcast.error();
  std::map<std::string, Rid> rids;
  for (const auto* a : offered.attributes.all("rid")) {
    auto rid = typed<Rid>(*a);
    if (!rid) return rid.error();
    if (rid->direction == RidDirection::kSend) rids.emplace(rid->id, std::move(rid.value()));
  }
  auto accepted = [&](const Rid& rid) {
    if (rid.payloadTypes.empty()) return true;
    return std::any_of(media.codecs.begin(), media.codecs.end(), [&](const NegotiatedCodec& c) {
      return std::find(rid.payloadTypes.begin(), rid.payloadTypes.end(), c.pt) != rid.payloadTypes.end();
    });
  };
  // Each layer costs a retransmission history and NACK state: a few layers are what
  // encoders send, thousands are an attack.
  if (simulcast->send.size() > kMaxSimulcastLayers)
    return sdpError("a=simulcast sends " + std::to_string(simulcast->send.size()) + " layers, at most " +
                        std::to_string(kMaxSimulcastLayers) + " are accepted",
                    sc->line);
  std::set<std::string_view> listed;
  for (const auto& stream : simulcast->send)
    for (const auto& alt : stream)
      if (!listed.insert(alt.rid).second) return sdpError("a=simulcast lists rid '" + alt.rid + "' twice", sc->line);
  for (const auto& stream : simulcast->send) {
    for (const auto& alt : stream) {
      auto it = rids.find(alt.rid);
      if (it == rids.end() || !accepted(it->second)) continue;
      media.ridLayers.push_back(RidLayer{alt.rid, alt.paused, it->second.payloadTypes, it->second.restrictions});
      break;
    }
  }
  return true;
}

SdpResult<SectionAnswer> MediaNegotiator::negotiate(const MediaSection& offered, const LocalSendTrack* sendTrack) const {
  NegotiatedMedia media;
  media.mid = std::string(offered.mid().value_or(""));
  media.kind = offered.kind;
  auto chosen = chooseCodecs(offered, media);
  if (!chosen) return chosen.error();
  if (!*chosen) return SectionAnswer{rejected(offered), std::nullopt, "no common " + offered.kind + " codec"};
  readExtensions(offered, media);
  media.rtcpRsize = offered.attributes.has("rtcp-rsize");
  Direction theirs = mediaDirection(offer_, offered);
  bool theySend = theirs == Direction::kSendOnly || theirs == Direction::kSendRecv;
  bool theyReceive = theirs == Direction::kRecvOnly || theirs == Direction::kSendRecv;
  if (theySend) {
    auto streams = readRemoteStreams(offered, media);
    if (!streams) return streams.error();
    auto simulcast = readSimulcast(offered, media);
    if (!simulcast) return simulcast.error();
  }
  bool weSend = theyReceive && (theirs == Direction::kRecvOnly || sendTrack != nullptr);
  media.direction = weSend ? (theySend ? Direction::kSendRecv : Direction::kSendOnly)
                           : (theySend ? Direction::kRecvOnly : Direction::kInactive);
  if (std::find(options_.inactiveKinds.begin(), options_.inactiveKinds.end(), offered.kind) !=
      options_.inactiveKinds.end()) {
    weSend = false;
    media.direction = Direction::kInactive;
  }
  if (weSend && sendTrack != nullptr) media.local = sendTrack->stream;
  MediaSection out = write(offered, media);
  return SectionAnswer{std::move(out), std::move(media), {}};
}

MediaSection MediaNegotiator::rejected(const MediaSection& offered) {
  MediaSection out;
  out.kind = offered.kind;
  out.port = 0;
  out.proto = offered.proto;
  out.formats = offered.formats;
  out.fields.push_back(Field{'c', "IN IP4 0.0.0.0"});
  if (auto mid = offered.mid()) out.attributes.add("mid", std::string(*mid));
  return out;
}

}  // namespace rtcgate::wire::sdp
