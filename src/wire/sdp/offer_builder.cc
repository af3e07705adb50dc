#include "wire/sdp/offer_builder.h"

#include <algorithm>
#include <bitset>
#include <string_view>
#include <utility>

#include "wire/sdp/sdp_text.h"
#include "wire/sdp/section_common.h"

namespace rtcgate::wire::sdp {
namespace {

// Chromium's own numbers for these formats. Reusing them keeps packet captures familiar
// and keeps a codec's payload type even if an operator reorders the capability lists.
struct WellKnownPt {
  const char* name;
  uint32_t clockRate;
  const char* fmtp;  // the parameters sameCodecVariant compares
  uint8_t pt;
  uint8_t rtxPt;  // 0 = none
};
constexpr WellKnownPt kWellKnown[] = {
    {"VP8", 90000, "", 96, 97},
    {"VP9", 90000, "profile-id=0", 98, 99},
    {"VP9", 90000, "profile-id=2", 100, 101},
    {"H264", 90000, "packetization-mode=1;profile-level-id=42001f", 102, 103},
    {"H264", 90000, "packetization-mode=1;profile-level-id=42e01f", 108, 109},
    {"H264", 90000, "packetization-mode=1;profile-level-id=4d001f", 116, 117},
    {"AV1", 90000, "profile=0", 45, 46},
    {"opus", 48000, "", 111, 0},
};

// One capability with the payload types it has for the whole session.
struct PlannedCodec {
  std::string_view kind;
  const CodecCapability* cap = nullptr;
  uint8_t pt = 0;
  std::optional<uint8_t> rtxPt;
};

const WellKnownPt* wellKnown(const CodecCapability& cap) {
  for (const auto& k : kWellKnown)
    if (equalsIgnoreCase(cap.name, k.name) && cap.clockRate == k.clockRate &&
        sameCodecVariant(cap.name, cap.fmtp, parseFmtpParams(k.fmtp)))
      return &k;
  return nullptr;
}

// The dynamic range (RFC 3551 §3) first, then 35-63 as Chromium does; 64-95 are left out
// because under rtcp-mux they would look like RTCP packet types (RFC 5761 §4).
std::optional<uint8_t> takeFreePt(std::bitset<128>& used) {
  for (auto range : {std::pair<int, int>{96, 127}, std::pair<int, int>{35, 63}}) {
    for (int pt = range.first; pt <= range.second; ++pt) {
      if (used[pt]) continue;
      used.set(pt);
      return static_cast<uint8_t>(pt);
    }
  }
  return std::nullopt;
}

// Payload types depend on the capability lists alone, so every offer of a session (with
// any slots) maps a codec to the same number: well-known numbers first, then the free
// ones in list order.
SdpResult<std::vector<PlannedCodec>> planCodecs(const OfferOptions& options) {
  std::vector<PlannedCodec> plan;
  for (const auto& cap : options.videoCodecs) plan.push_back({"video", &cap, 0, std::nullopt});
  for (const auto& cap : options.audioCodecs) plan.push_back({"audio", &cap, 0, std::nullopt});
  std::bitset<128> used;
  std::vector<bool> placed(plan.size(), false);
  for (size_t i = 0; i < plan.size(); ++i) {
    const WellKnownPt* k = wellKnown(*plan[i].cap);
    bool rtx = plan[i].cap->rtx && k != nullptr && k->rtxPt != 0;
    if (k == nullptr || used[k->pt] || (rtx && used[k->rtxPt])) continue;
    plan[i].pt = k->pt;
    used.set(k->pt);
    if (rtx) plan[i].rtxPt = k->rtxPt;
    if (rtx) used.set(k->rtxPt);
    placed[i] = true;
  }
  for (size_t i = 0; i < plan.size(); ++i) {
    std::optional<uint8_t> pt = placed[i] ? std::optional<uint8_t>(plan[i].pt) : takeFreePt(used);
    if (pt && plan[i].cap->rtx && !plan[i].rtxPt) plan[i].rtxPt = takeFreePt(used);
    if (!pt || (plan[i].cap->rtx && !plan[i].rtxPt))
      return sdpError("too many codecs for the dynamic payload types");
    plan[i].pt = *pt;
  }
  return plan;
}

bool wanted(const OfferSlot& slot, const CodecCapability& cap) {
  if (slot.codecs.empty()) return true;
  return std::any_of(slot.codecs.begin(), slot.codecs.end(), [&](const CodecRef& r) {
    return equalsIgnoreCase(r.name, cap.name) && (r.clockRate == 0 || r.clockRate == cap.clockRate);
  });
}

std::vector<NegotiatedCodec> slotCodecs(const OfferSlot& slot, const std::vector<PlannedCodec>& plan) {
  std::vector<NegotiatedCodec> out;
  for (const auto& p : plan) {
    if (p.kind != slot.kind || !wanted(slot, *p.cap)) continue;
    std::vector<RtcpFb> feedback;
    for (const auto& fb : p.cap->rtcpFb) feedback.push_back(RtcpFb{p.pt, fb.type, fb.param});
    out.push_back(NegotiatedCodec{p.pt, p.cap->name, p.cap->clockRate, p.cap->channels,
                                  joinFmtpParams(p.cap->fmtp), std::move(feedback), p.rtxPt});
  }
  return out;
}

constexpr std::string_view kApplication = "application";

// RFC 8866 §9 token-char: what a mid (RFC 5888) is made of.
bool isToken(std::string_view s) {
  static constexpr std::string_view kSpecials = "\"(),/:;<=>?@[\\]";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && kSpecials.find(c) == std::string_view::npos;
  });
}

// A cname is free text (RFC 7022 ones are base64). msid ids should be token-chars (RFC
// 8830 §2), but Chromium reads any word there and room ids hold '/' ("room/alice"); what
// must hold is that each stays one SDP word.
bool isWord(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

SdpResult<bool> checkSlot(const OfferSlot& slot) {
  // The mid travels in the sdes:mid RTP header extension, one-byte form: 16 bytes at most.
  if (!isToken(slot.mid) || slot.mid.size() > 16)
    return sdpError("slot mid '" + slot.mid + "' is not a 1-16 character token");
  if (slot.kind != "audio" && slot.kind != "video" && slot.kind != kApplication)
    return sdpError("slot " + slot.mid + ": kind must be audio, video or application");
  if (slot.kind == kApplication && (slot.track || !slot.codecs.empty()))
    return sdpError("slot " + slot.mid + ": a data channel section carries no track");
  if (!slot.track) return true;
  const LocalStream& t = *slot.track;
  if (t.ssrc == 0 || t.rtxSsrc == t.ssrc || !isWord(t.cname) || !isWord(t.streamId) || !isWord(t.trackId))
    return sdpError("slot " + slot.mid +
                    ": track needs an ssrc (and a distinct rtx ssrc), a cname, a stream id and a track id");
  return true;
}

}  // namespace

SdpResult<bool> OfferBuilder::check(const std::vector<OfferSlot>& slots) const {
  // Our own identity must be complete, or the offer would be one no browser accepts.
  if (options_.iceUfrag.size() < 4 || options_.icePwd.size() < 22 || options_.fingerprint.empty())
    return sdpError("offer options lack local ICE credentials or certificate fingerprint");
  if (options_.sessionId == 0) return sdpError("offer options lack a session id");
  if (options_.headerExtensions.size() > 14) return sdpError("more than 14 header extensions to offer");
  if (slots.empty()) return sdpError("an offer needs at least one slot");
  if (slots.size() > kMaxMediaSections) return sdpError("more than 128 slots");
  size_t dataSlots = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    auto slot = checkSlot(slots[i]);
    if (!slot) return slot.error();
    if (slots[i].kind == kApplication && ++dataSlots > 1) return sdpError("more than one data channel slot");
    for (size_t j = 0; j < i; ++j)
      if (slots[j].mid == slots[i].mid) return sdpError("duplicate slot mid " + slots[i].mid);
  }
  return true;
}

MediaSection OfferBuilder::writeSection(const NegotiatedMedia& media, bool withCandidates) const {
  MediaSection out;
  out.kind = media.kind;
  out.port = 9;  // RFC 8839 §4.2.1.3: dummy port; the candidate lines carry the truth
  out.proto = "UDP/TLS/RTP/SAVPF";
  for (const auto& c : media.codecs) {
    out.formats.push_back(std::to_string(c.pt));
    if (c.rtxPt) out.formats.push_back(std::to_string(*c.rtxPt));
  }
  out.fields.push_back(Field{'c', "IN IP4 0.0.0.0"});
  AttributeList& a = out.attributes;
  writeTransport(a, media.mid, withCandidates);
  std::vector<std::pair<uint8_t, std::string>> extensions;
  for (const auto& [uri, id] : media.extensions) extensions.emplace_back(id, uri);
  std::sort(extensions.begin(), extensions.end());
  for (const auto& [id, uri] : extensions) a.add("extmap", Extmap{id, std::nullopt, uri, {}}.toString());
  a.addFlag(std::string(directionName(media.direction)));
  if (media.local) a.add("msid", media.local->streamId + ' ' + media.local->trackId);
  a.addFlag("rtcp-mux");
  a.addFlag("rtcp-rsize");
  writeCodecLines(a, media.codecs);
  if (media.local) {
    bool rtx = std::any_of(media.codecs.begin(), media.codecs.end(),
                           [](const NegotiatedCodec& c) { return c.rtxPt; });
    writeLocalStreamLines(a, *media.local, rtx);
  }
  return out;
}

void OfferBuilder::writeTransport(AttributeList& a, const std::string& mid, bool withCandidates) const {
  if (withCandidates) {
    for (const auto& c : hostCandidates(options_.candidates)) a.add("candidate", c.toString());
    a.addFlag("end-of-candidates");
  }
  a.add("ice-ufrag", options_.iceUfrag);
  a.add("ice-pwd", options_.icePwd);
  a.add("fingerprint", options_.fingerprintAlgorithm + ' ' + options_.fingerprint);
  a.add("setup", "actpass");  // JSEP RFC 9429 §5.2.1: the offerer lets the answerer choose
  a.add("mid", mid);
}

// RFC 8841 §5: m=application 9 UDP/DTLS/SCTP webrtc-datachannel.
MediaSection OfferBuilder::writeDataSection(const std::string& mid, bool withCandidates) const {
  MediaSection out;
  out.kind = std::string(kApplication);
  out.port = 9;
  out.proto = "UDP/DTLS/SCTP";
  out.formats = {"webrtc-datachannel"};
  out.fields.push_back(Field{'c', "IN IP4 0.0.0.0"});
  writeTransport(out.attributes, mid, withCandidates);
  writeSctpParameters(out.attributes, NegotiatedData{});
  return out;
}

void OfferBuilder::writeSessionLevel(const std::vector<OfferSlot>& slots, uint64_t sessionVersion,
                                     SessionDescription& offer) const {
  offer.fields = {{'v', "0"},
                  {'o', "- " + std::to_string(options_.sessionId) + ' ' + std::to_string(sessionVersion) +
                            " IN IP4 127.0.0.1"},
                  {'s', options_.sessionName.empty() ? "-" : options_.sessionName},
                  {'t', "0 0"}};
  if (options_.iceLite) offer.attributes.addFlag("ice-lite");
  Group bundle{"BUNDLE", {}};
  for (const auto& slot : slots) bundle.mids.push_back(slot.mid);
  offer.attributes.add("group", bundle.toString());
  offer.attributes.add("msid-semantic", " WMS");
}

SdpResult<Offer> OfferBuilder::build(const std::vector<OfferSlot>& slots, uint64_t sessionVersion) const {
  auto checked = check(slots);
  if (!checked) return checked.error();
  auto plan = planCodecs(options_);
  if (!plan) return plan.error();
  Offer offer;
  for (size_t i = 0; i < slots.size(); ++i) {
    const OfferSlot& slot = slots[i];
    NegotiatedMedia media;
    media.mid = slot.mid;
    media.kind = slot.kind;
    const bool withCandidates = options_.candidatesInAllSections || i == 0;
    if (slot.kind == kApplication) {
      media.direction = Direction::kInactive;
      offer.description.media.push_back(writeDataSection(slot.mid, withCandidates));
      offer.media.push_back(std::move(media));
      continue;
    }
    media.direction = slot.track ? Direction::kSendOnly : Direction::kInactive;
    media.local = slot.track;
    media.rtcpRsize = true;
    media.codecs = slotCodecs(slot, *plan);
    if (media.codecs.empty())
      return sdpError("slot " + slot.mid + ": none of its codecs is among our " + slot.kind +
                      " capabilities");
    for (size_t j = 0; j < options_.headerExtensions.size(); ++j)
      media.extensions.emplace(options_.headerExtensions[j], static_cast<uint8_t>(j + 1));
    offer.description.media.push_back(writeSection(media, withCandidates));
    offer.media.push_back(std::move(media));
  }
  writeSessionLevel(slots, sessionVersion, offer.description);
  offer.sdp = offer.description.serialize();
  return offer;
}

}  // namespace rtcgate::wire::sdp
