#include "wire/sdp/section_common.h"

#include <string>

#include "wire/sdp/codec_capability.h"
#include "wire/sdp/sdp_text.h"

namespace rtcgate::wire::sdp {
namespace {

std::string_view paramOr(const std::vector<FmtpParam>& params, std::string_view key,
                         std::string_view fallback) {
  return findFmtpParam(params, key).value_or(fallback);
}

}  // namespace

SdpResult<SectionFormats> readFormats(const MediaSection& m) {
  SectionFormats f;
  for (const auto& fmt : m.formats) {
    auto pt = parseNumber<uint8_t>(fmt);
    if (!pt || *pt > 127) return sdpError("m= line format '" + fmt + "' is not a payload type 0-127", m.line);
    f.order.push_back(*pt);
  }
  for (const auto* a : m.attributes.all("rtpmap")) {
    auto r = typed<Rtpmap>(*a);
    if (!r) return r.error();
    f.rtpmaps[r->pt] = std::move(r.value());
  }
  for (const auto* a : m.attributes.all("fmtp")) {
    auto r = typed<Fmtp>(*a);
    if (!r) return r.error();
    f.fmtps[r->pt] = parseFmtpParams(r->params);
  }
  for (const auto* a : m.attributes.all("rtcp-fb")) {
    auto r = typed<RtcpFb>(*a);
    if (!r) return r.error();
    f.feedback.push_back(std::move(r.value()));
  }
  return f;
}

const std::vector<FmtpParam>& fmtpOf(const SectionFormats& f, uint8_t pt) {
  static const std::vector<FmtpParam> kNone;
  auto it = f.fmtps.find(pt);
  return it == f.fmtps.end() ? kNone : it->second;
}

std::optional<uint8_t> findRtx(const SectionFormats& f, uint8_t pt, uint32_t clockRate) {
  for (uint8_t candidate : f.order) {
    auto it = f.rtpmaps.find(candidate);
    if (it == f.rtpmaps.end() || !equalsIgnoreCase(it->second.encoding, "rtx") ||
        it->second.clockRate != clockRate)
      continue;
    auto apt = findFmtpParam(fmtpOf(f, candidate), "apt");
    if (apt && parseNumber<uint8_t>(*apt) == pt) return candidate;
  }
  return std::nullopt;
}

bool sameCodecVariant(std::string_view name, const std::vector<FmtpParam>& a,
                      const std::vector<FmtpParam>& b) {
  if (equalsIgnoreCase(name, "H264")) {
    // RFC 6184 §8.1 defaults: packetization-mode 0, profile-level-id 42000a.
    if (paramOr(a, "packetization-mode", "0") != paramOr(b, "packetization-mode", "0")) return false;
    auto pa = H264ProfileLevel::parse(paramOr(a, "profile-level-id", "42000a"));
    auto pb = H264ProfileLevel::parse(paramOr(b, "profile-level-id", "42000a"));
    return pa && pb && pa->profile == pb->profile && pa->profile != H264ProfileLevel::Profile::kOther;
  }
  if (equalsIgnoreCase(name, "VP9")) return paramOr(a, "profile-id", "0") == paramOr(b, "profile-id", "0");
  if (equalsIgnoreCase(name, "AV1")) return paramOr(a, "profile", "0") == paramOr(b, "profile", "0");
  return true;
}

SdpResult<bool> readRemoteIdentity(const SessionDescription& sd, const MediaSection& first,
                                   std::string_view role, NegotiatedSession& session) {
  auto ice = iceCredentials(sd, first);
  if (!ice) return sdpError(std::string(role) + " lacks a=ice-ufrag/a=ice-pwd", first.line);
  // RFC 8839 §5.4: ufrag 4-256 ice-chars, pwd 22-256.
  if (ice->ufrag.size() < 4 || ice->ufrag.size() > 256)
    return sdpError("a=ice-ufrag must be 4-256 characters", first.line);
  if (ice->pwd.size() < 22 || ice->pwd.size() > 256)
    return sdpError("a=ice-pwd must be 22-256 characters", first.line);
  session.remoteIce = std::move(*ice);

  const Attribute* fp = findWithFallback(sd, first, "fingerprint");
  if (fp == nullptr) return sdpError(std::string(role) + " lacks a=fingerprint");
  auto fingerprint = Fingerprint::parse(fp->value);
  if (!fingerprint) return sdpError(fingerprint.error().message, fp->line);
  if (!fingerprintDigestBytes(fingerprint->hashFunc))
    return sdpError("a=fingerprint hash function " + fingerprint->hashFunc + " is not supported", fp->line);
  session.remoteFingerprint = std::move(fingerprint.value());
  return true;
}

uint32_t hostCandidatePriority(bool tcpPassive, uint32_t index, uint16_t component) noexcept {
  // RFC 8445 §5.1.2.1: priority = 2^24 * type pref + 2^8 * local pref + (256 - component).
  uint32_t type = 126;  // host
  uint32_t local = 65535u - index % 1024;
  if (tcpPassive) {
    // RFC 6544 §4.2: local pref = 2^13 * direction-pref + other-pref, direction-pref 4 for a
    // passive host candidate; and a type preference below UDP host (libwebrtc's 90), so
    // every UDP pair outranks every TCP one and TCP is used only when UDP fails.
    type = 90;
    local = (4u << 13) + (8191u - index % 1024);
  }
  return (type << 24) | (local << 8) | (256u - component);
}

std::vector<Candidate> hostCandidates(const std::vector<HostCandidate>& hosts) {
  std::vector<Candidate> out;
  for (size_t i = 0; i < hosts.size(); ++i) {
    const HostCandidate& h = hosts[i];
    Candidate c;
    c.foundation = std::to_string(i + 1);
    c.component = 1;
    c.transport = h.transport == "tcp" ? "tcp" : "udp";
    c.priority = hostCandidatePriority(c.transport == "tcp", static_cast<uint32_t>(i), c.component);
    c.address = h.ip;
    c.port = h.port;
    c.type = "host";
    if (c.transport == "tcp") c.tcpType = "passive";  // RFC 6544 §4.5: we only accept
    out.push_back(std::move(c));
  }
  return out;
}

void writeCodecLines(AttributeList& out, const std::vector<NegotiatedCodec>& codecs) {
  for (const auto& c : codecs) {
    out.add("rtpmap", Rtpmap{c.pt, c.name, c.clockRate, c.channels}.toString());
    for (const auto& fb : c.rtcpFb) out.add("rtcp-fb", fb.toString());
    if (!c.fmtp.empty()) out.add("fmtp", Fmtp{c.pt, c.fmtp}.toString());
    if (c.rtxPt) {
      out.add("rtpmap", Rtpmap{*c.rtxPt, "rtx", c.clockRate, 0}.toString());
      out.add("fmtp", Fmtp{*c.rtxPt, "apt=" + std::to_string(c.pt)}.toString());
    }
  }
}

void writeLocalStreamLines(AttributeList& out, const LocalStream& s, bool withRtx) {
  bool rtx = withRtx && s.rtxSsrc != 0;
  std::string msid = s.streamId + ' ' + s.trackId;
  if (rtx) out.add("ssrc-group", SsrcGroup{"FID", {s.ssrc, s.rtxSsrc}}.toString());
  for (uint32_t ssrc : {s.ssrc, rtx ? s.rtxSsrc : 0u}) {
    if (ssrc == 0) continue;
    out.add("ssrc", SsrcAttribute{ssrc, "cname", s.cname}.toString());
    out.add("ssrc", SsrcAttribute{ssrc, "msid", msid}.toString());
  }
}

SdpResult<bool> readSctpParameters(const MediaSection& m, NegotiatedData& data) {
  if (const Attribute* a = m.attributes.find("sctp-port")) {
    auto port = parseNumber<uint16_t>(a->value);
    if (!port || *port == 0) return sdpError("a=sctp-port must be a port number", a->line);
    data.remoteSctpPort = *port;
  }
  if (const Attribute* a = m.attributes.find("max-message-size")) {
    auto size = parseNumber<uint64_t>(a->value);
    if (!size) return sdpError("a=max-message-size must be a number", a->line);
    data.remoteMaxMessageSize = *size;  // 0: no limit (RFC 8841 §6)
  }
  return true;
}

void writeSctpParameters(AttributeList& out, const NegotiatedData& data) {
  out.add("sctp-port", std::to_string(data.localSctpPort));
  out.add("max-message-size", std::to_string(data.localMaxMessageSize));
}

}  // namespace rtcgate::wire::sdp
