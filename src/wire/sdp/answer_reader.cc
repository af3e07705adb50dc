#include "wire/sdp/answer_reader.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "wire/sdp/sdp_text.h"
#include "wire/sdp/section_common.h"

namespace rtcgate::wire::sdp {
namespace {

// RFC 3264 §6: port 0 rejects a section; RFC 9143 §7.3.3 bundle-only keeps one in use anyway.
bool accepted(const MediaSection& m) {
  return m.port != 0 || m.attributes.has("bundle-only");
}

// The mids of the answer's first a=group:BUNDLE (RFC 9143 §7.3); nullopt if there is none.
SdpResult<std::optional<std::vector<std::string>>> bundleGroup(const SessionDescription& answer) {
  for (const auto* a : answer.attributes.all("group")) {
    auto g = typed<Group>(*a);
    if (!g) return g.error();
    if (g->semantics == "BUNDLE") return std::optional<std::vector<std::string>>(std::move(g->mids));
  }
  return std::optional<std::vector<std::string>>();
}

// The offered codec the answer's `pt` stands for. JSEP RFC 9429 §5.3.1 has the answerer
// reuse our numbers, so the same number is tried first; an answerer that renumbered is
// matched by name, clock rate and format variant (its numbers are then the ones in use).
std::optional<size_t> matchOffered(const std::vector<NegotiatedCodec>& offered,
                                   const std::vector<bool>& taken, uint8_t pt, const Rtpmap& map,
                                   const std::vector<FmtpParam>& fmtp) {
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < offered.size(); ++i) {
      const NegotiatedCodec& o = offered[i];
      if (taken[i] || (pass == 0 && o.pt != pt)) continue;
      if (equalsIgnoreCase(o.name, map.encoding) && o.clockRate == map.clockRate &&
          sameCodecVariant(o.name, parseFmtpParams(o.fmtp), fmtp))
        return i;
    }
  }
  return std::nullopt;
}

// RFC 4585 §4.2: the answer may only drop feedback; keep what it lists for `pt` (or "*")
// among what we offered.
std::vector<RtcpFb> keptFeedback(const SectionFormats& f, const NegotiatedCodec& offered, uint8_t pt) {
  std::vector<RtcpFb> out;
  for (const auto& fb : f.feedback) {
    if (fb.pt != pt && fb.pt != -1) continue;
    bool ours = std::any_of(offered.rtcpFb.begin(), offered.rtcpFb.end(),
                            [&](const RtcpFb& o) { return o.type == fb.type && o.param == fb.param; });
    RtcpFb kept{pt, fb.type, fb.param};
    if (ours && std::find(out.begin(), out.end(), kept) == out.end()) out.push_back(std::move(kept));
  }
  return out;
}

// The offered codecs the answer kept, in the answer's order of preference.
SdpResult<std::vector<NegotiatedCodec>> keptCodecs(const MediaSection& m, const NegotiatedMedia& offered) {
  auto formats = readFormats(m);
  if (!formats) return formats.error();
  const SectionFormats& f = formats.value();
  std::vector<bool> taken(offered.codecs.size(), false);
  std::vector<NegotiatedCodec> out;
  for (uint8_t pt : f.order) {
    auto map = f.rtpmaps.find(pt);
    if (map == f.rtpmaps.end()) continue;  // a static type without rtpmap is none of ours
    auto index = matchOffered(offered.codecs, taken, pt, map->second, fmtpOf(f, pt));
    if (!index) continue;
    taken[*index] = true;
    const NegotiatedCodec& o = offered.codecs[*index];
    std::optional<uint8_t> rtx = o.rtxPt ? findRtx(f, pt, o.clockRate) : std::nullopt;
    out.push_back(NegotiatedCodec{pt, o.name, o.clockRate, o.channels, joinFmtpParams(fmtpOf(f, pt)),
                                  keptFeedback(f, o, pt), rtx});
  }
  return out;
}

// The offered header extensions the answer kept, with the answer's ids (RFC 8285 §6).
std::map<std::string, uint8_t> keptExtensions(const MediaSection& m, const NegotiatedMedia& offered) {
  std::map<std::string, uint8_t> out;
  for (const auto* a : m.attributes.all("extmap")) {
    auto e = Extmap::parse(a->value);
    if (!e || e->direction == Direction::kInactive || !offered.extensions.contains(e->uri)) continue;
    // Two URIs on one id could not be told apart in a packet: the first one wins.
    bool idTaken = std::any_of(out.begin(), out.end(), [&](const auto& kv) { return kv.second == e->id; });
    if (!idTaken) out.emplace(e->uri, static_cast<uint8_t>(e->id));
  }
  return out;
}

// RFC 5763 §5: the answerer picks active or passive; we take the other role.
SdpResult<bool> readSetup(const SessionDescription& answer, const MediaSection& first,
                          NegotiatedSession& session) {
  session.remoteSetup = Setup::kActive;  // RFC 4145 §4: absent means active
  if (const Attribute* s = findWithFallback(answer, first, "setup")) {
    auto setup = parseSetup(s->value);
    if (!setup) return sdpError(setup.error().message, s->line);
    if (*setup == Setup::kActpass) return sdpError("a=setup:actpass is not allowed in an answer", s->line);
    if (*setup == Setup::kHoldconn) return sdpError("a=setup:holdconn is not supported", s->line);
    session.remoteSetup = *setup;
  }
  session.localDtlsRole = session.remoteSetup == Setup::kActive ? DtlsRole::kServer : DtlsRole::kClient;
  return true;
}

std::string midText(const MediaSection& m) {
  auto mid = m.mid();
  return mid ? "a=mid:" + std::string(*mid) : std::string("without a=mid");
}

}  // namespace

// RFC 3264 §6: the answer has exactly the offer's m= lines, in the same order and kinds.
SdpResult<bool> AnswerReader::checkSections(const SessionDescription& answer) const {
  if (answer.media.size() != offered_.size())
    return sdpError("answer has " + std::to_string(answer.media.size()) + " m-lines, the offer had " +
                    std::to_string(offered_.size()));
  for (size_t i = 0; i < offered_.size(); ++i) {
    const MediaSection& m = answer.media[i];
    const NegotiatedMedia& o = offered_[i];
    auto mid = m.mid();
    // A rejected section may drop its a=mid; an accepted one must repeat ours.
    if (mid ? *mid != o.mid : accepted(m))
      return sdpError(
          "answer m-line " + std::to_string(i + 1) + " is " + midText(m) + ", the offer's is " + o.mid,
          m.line);
    if (m.kind != o.kind)
      return sdpError(
          "answer m-line " + std::to_string(i + 1) + " is " + m.kind + ", the offer's is " + o.kind, m.line);
  }
  return true;
}

SdpResult<NegotiatedMedia> AnswerReader::readSection(const SessionDescription& answer, const MediaSection& m,
                                                     const NegotiatedMedia& offered) const {
  if (!m.attributes.has("rtcp-mux")) return sdpError("answer lacks a=rtcp-mux (required)", m.line);
  NegotiatedMedia media;
  media.mid = offered.mid;
  media.kind = offered.kind;
  auto codecs = keptCodecs(m, offered);
  if (!codecs) return codecs.error();
  media.codecs = std::move(codecs.value());
  // RFC 3264 §6.1: an answer to sendonly is recvonly or inactive; only the former lets us send.
  Direction theirs = mediaDirection(answer, m);
  bool weOffered = offered.direction == Direction::kSendOnly || offered.direction == Direction::kSendRecv;
  bool weSend = weOffered && (theirs == Direction::kRecvOnly || theirs == Direction::kSendRecv);
  media.direction = weSend ? Direction::kSendOnly : Direction::kInactive;
  if (weSend) {
    if (media.codecs.empty())
      return sdpError("answer keeps no codec we offered for mid " + offered.mid, m.line);
    media.local = offered.local;
  }
  media.extensions = keptExtensions(m, offered);
  media.rtcpRsize = offered.rtcpRsize && m.attributes.has("rtcp-rsize");
  return media;
}

SdpResult<NegotiatedSession> AnswerReader::read(std::string_view answerText) const {
  auto answer = SessionDescription::parse(answerText);  // refuses more than kMaxSdpBytes
  if (!answer) return answer.error();
  return read(answer.value());
}

SdpResult<NegotiatedSession> AnswerReader::read(const SessionDescription& answer) const {
  auto sections = checkSections(answer);
  if (!sections) return sections.error();
  auto group = bundleGroup(answer);
  if (!group) return group.error();
  if (!group->has_value()) return sdpError("answer lacks a=group:BUNDLE");
  const std::vector<std::string>& bundle = **group;
  auto first = std::find_if(answer.media.begin(), answer.media.end(), accepted);
  if (first == answer.media.end()) return sdpError("answer rejects every m-line");

  NegotiatedSession session;
  auto identity = readRemoteIdentity(answer, *first, "answer", session);
  if (!identity) return identity.error();
  auto setup = readSetup(answer, *first, session);
  if (!setup) return setup.error();
  for (size_t i = 0; i < offered_.size(); ++i) {
    const MediaSection& m = answer.media[i];
    if (!accepted(m)) continue;
    // One transport for everything (RFC 9143): a section outside the group would need its own.
    if (std::find(bundle.begin(), bundle.end(), offered_[i].mid) == bundle.end())
      return sdpError("answer accepts mid " + offered_[i].mid + " outside its BUNDLE group", m.line);
    if (offered_[i].kind == "application") {
      // Our data channel section: the browser's SCTP parameters (RFC 8841).
      NegotiatedData data;
      data.mid = offered_[i].mid;
      if (auto read = readSctpParameters(m, data); !read) return read.error();
      session.data = std::move(data);
      continue;
    }
    auto media = readSection(answer, m, offered_[i]);
    if (!media) return media.error();
    session.media.push_back(std::move(media.value()));
  }
  for (const auto& mid : bundle) {
    bool ours =
        std::any_of(session.media.begin(), session.media.end(), [&](const auto& m) { return m.mid == mid; }) ||
        (session.data && session.data->mid == mid);
    auto& kept = session.bundleMids;
    if (ours && std::find(kept.begin(), kept.end(), mid) == kept.end()) kept.push_back(mid);
  }
  return session;
}

}  // namespace rtcgate::wire::sdp
