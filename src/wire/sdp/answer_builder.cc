#include "wire/sdp/answer_builder.h"

#include <algorithm>

#include "base/random.h"
#include "wire/sdp/media_negotiator.h"
#include "wire/sdp/sdp_text.h"
#include "wire/sdp/section_common.h"

namespace rtcgate::wire::sdp {
namespace {

// The mids of the first a=group:BUNDLE (RFC 9143 §7.1); nullopt if there is none.
SdpResult<std::optional<std::vector<std::string>>> bundleMids(const SessionDescription& offer) {
  for (const auto* a : offer.attributes.all("group")) {
    auto g = Group::parse(a->value);
    if (!g) return sdpError(g.error().message, a->line);
    if (g->semantics == "BUNDLE") return std::optional<std::vector<std::string>>(std::move(g->mids));
  }
  return std::optional<std::vector<std::string>>();
}

// A WebRTC data channel section (RFC 8841 §5.1): SCTP over DTLS over UDP or TCP.
bool isDataSection(const MediaSection& m) {
  return m.kind == "application" && (m.proto == "UDP/DTLS/SCTP" || m.proto == "TCP/DTLS/SCTP") &&
         m.formats.size() == 1 && m.formats[0] == "webrtc-datachannel";
}

// Why we cannot carry `m` at all (empty when it is an audio/video RTP section, or a data
// channel section when `data`, that we may try).
std::string unusableReason(const MediaSection& m, const std::vector<std::string>& bundle, bool data) {
  const bool application = data && isDataSection(m);
  if (m.kind != "audio" && m.kind != "video" && !application) return "unsupported media kind " + m.kind;
  // RFC 9143 §7.3.3: a bundle-only section has port 0 yet is offered for use.
  if (m.port == 0 && !m.attributes.has("bundle-only")) return "rejected by the offerer (port 0)";
  if (!application && m.proto.find("RTP/SAVP") == std::string::npos) return "unsupported protocol " + m.proto;
  auto mid = m.mid();
  if (!mid || mid->empty()) return "no a=mid";
  if (std::find(bundle.begin(), bundle.end(), *mid) == bundle.end()) return "not in the BUNDLE group";
  return {};
}

// Sends a LocalSendTrack to the section whose mid it names, else to the first section of
// its kind that the offerer receives on.
const LocalSendTrack* pickSendTrack(const std::vector<LocalSendTrack>& tracks, std::vector<bool>& used,
                                    const SessionDescription& offer, const MediaSection& m) {
  Direction d = mediaDirection(offer, m);
  if (d != Direction::kRecvOnly && d != Direction::kSendRecv) return nullptr;
  auto mid = m.mid().value_or("");
  for (size_t pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < tracks.size(); ++i) {
      if (used[i]) continue;
      bool byMid = pass == 0 && !tracks[i].mid.empty() && tracks[i].mid == mid;
      bool byKind = pass == 1 && tracks[i].mid.empty() && tracks[i].kind == m.kind;
      if (byMid || byKind) {
        used[i] = true;
        return &tracks[i];
      }
    }
  }
  return nullptr;
}

// RFC 9143 §9.2: each mid identifies one section; a repeated one cannot be answered.
SdpResult<bool> checkUniqueMids(const SessionDescription& offer) {
  std::vector<std::string_view> seen;
  for (const auto& m : offer.media) {
    auto mid = m.mid();
    if (!mid) continue;
    if (std::find(seen.begin(), seen.end(), *mid) != seen.end())
      return sdpError("duplicate a=mid:" + std::string(*mid), m.line);
    seen.push_back(*mid);
  }
  return true;
}

// The first section we could carry; its ICE and DTLS attributes speak for the bundle.
SdpResult<const MediaSection*> firstUsableSection(const SessionDescription& offer,
                                                  const std::vector<std::string>& mids, bool data) {
  std::string reasons;
  for (const auto& m : offer.media) {
    std::string why = unusableReason(m, mids, data);
    if (why.empty()) return &m;
    reasons += (reasons.empty() ? "" : "; ") + std::string("m=") + m.kind + ": " + why;
  }
  return sdpError("no m-line we can accept: " + reasons);
}

}  // namespace

SdpResult<bool> AnswerBuilder::readTransport(const SessionDescription& offer, const MediaSection& first,
                                             NegotiatedSession& session) const {
  auto identity = readRemoteIdentity(offer, first, "offer", session);
  if (!identity) return identity.error();

  // RFC 4145 §4: an offer without a=setup is taken as active.
  session.remoteSetup = Setup::kActive;
  if (const Attribute* s = findWithFallback(offer, first, "setup")) {
    auto setup = parseSetup(s->value);
    if (!setup) return sdpError(setup.error().message, s->line);
    if (*setup == Setup::kHoldconn) return sdpError("a=setup:holdconn is not supported", s->line);
    session.remoteSetup = *setup;
  }
  return true;
}

void AnswerBuilder::writeSessionLevel(const SessionDescription& offer, const NegotiatedSession& session,
                                      SessionDescription& answer) const {
  uint64_t id = options_.sessionId != 0 ? options_.sessionId : (randomU64() >> 1) | 1;
  answer.fields = {{'v', "0"}, {'o', "- " + std::to_string(id) + " 2 IN IP4 127.0.0.1"},
                   {'s', options_.sessionName.empty() ? "-" : options_.sessionName}, {'t', "0 0"}};
  if (options_.iceLite) answer.attributes.addFlag("ice-lite");
  answer.attributes.add("group", Group{"BUNDLE", session.bundleMids}.toString());
  if (offer.attributes.has("extmap-allow-mixed")) answer.attributes.addFlag("extmap-allow-mixed");
  answer.attributes.add("msid-semantic", " WMS");
}

SdpResult<Answer> AnswerBuilder::build(std::string_view offerText) const {
  auto offer = SessionDescription::parse(offerText);
  if (!offer) return offer.error();
  return build(offer.value());
}

SdpResult<Answer> AnswerBuilder::build(const SessionDescription& offer) const {
  // Our own identity must be complete, or the answer would be one no browser accepts.
  if (options_.iceUfrag.size() < 4 || options_.icePwd.size() < 22 || options_.fingerprint.empty())
    return sdpError("answer options lack local ICE credentials or certificate fingerprint");
  auto bundle = bundleMids(offer);
  if (!bundle) return bundle.error();
  if (!bundle->has_value()) return sdpError("offer lacks a=group:BUNDLE");
  const auto& mids = **bundle;
  if (offer.media.empty()) return sdpError("offer has no m= lines");
  auto unique = checkUniqueMids(offer);
  if (!unique) return unique.error();

  Answer answer;
  NegotiatedSession& session = answer.session;
  auto first = firstUsableSection(offer, mids, options_.dataChannels);
  if (!first) return first.error();
  auto transport = readTransport(offer, *first.value(), session);
  if (!transport) return transport.error();
  SectionTransport st;
  st.localSetup = session.remoteSetup == Setup::kActpass ? options_.setupForActpass
                  : session.remoteSetup == Setup::kActive ? Setup::kPassive
                                                           : Setup::kActive;
  session.localDtlsRole = st.localSetup == Setup::kActive ? DtlsRole::kClient : DtlsRole::kServer;

  std::vector<bool> used(options_.sendTracks.size(), false);
  std::string reasons;
  for (const auto& m : offer.media) {
    // One data channel section per session (RFC 8841 §5.1); a second is rejected.
    if (!unusableReason(m, mids, options_.dataChannels && !session.data).empty()) {
      answer.description.media.push_back(MediaNegotiator::rejected(m));
      continue;
    }
    if (m.kind == "application") {
      st.withCandidates = options_.candidatesInAllSections || (session.media.empty() && !session.data);
      NegotiatedData data;
      auto section = MediaNegotiator(offer, options_, st).negotiateData(m, data);
      if (!section) return section.error();
      session.data = std::move(data);
      answer.description.media.push_back(std::move(section->section));
      continue;
    }
    if (!m.attributes.has("rtcp-mux")) return sdpError("offer lacks a=rtcp-mux (required)", m.line);
    st.withCandidates = options_.candidatesInAllSections || (session.media.empty() && !session.data);
    const LocalSendTrack* track = pickSendTrack(options_.sendTracks, used, offer, m);
    auto section = MediaNegotiator(offer, options_, st).negotiate(m, track);
    if (!section) return section.error();
    if (section->media) {
      session.media.push_back(std::move(*section->media));
    } else {
      reasons += (reasons.empty() ? "" : "; ") + section->rejectReason;
    }
    answer.description.media.push_back(std::move(section->section));
  }
  if (session.media.empty() && !session.data) return sdpError(reasons.empty() ? "no m-line we can accept" : reasons);
  for (const auto& mid : mids) {
    for (const auto& media : session.media)
      if (media.mid == mid) session.bundleMids.push_back(mid);
    if (session.data && session.data->mid == mid) session.bundleMids.push_back(mid);
  }
  writeSessionLevel(offer, session, answer.description);
  answer.sdp = answer.description.serialize();
  return answer;
}

}  // namespace rtcgate::wire::sdp
