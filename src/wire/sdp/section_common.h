#pragma once
// Pieces of m= section handling that both directions of negotiation need: reading a
// section's payload formats and the peer's ICE/DTLS identity (answer builder, answer
// reader), and writing codec, stream and candidate lines (answer builder, offer builder).

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "wire/sdp/answer_options.h"
#include "wire/sdp/negotiated_session.h"
#include "wire/sdp/session_description.h"

namespace rtcgate::wire::sdp {

// Parses one typed attribute, turning its static message into a line-numbered SdpError.
template <typename T>
SdpResult<T> typed(const Attribute& a) {
  auto r = T::parse(a.value);
  if (!r) return sdpError(r.error().message, a.line);
  return std::move(r.value());
}

// One section's a=rtpmap / a=fmtp / a=rtcp-fb, indexed by payload type.
struct SectionFormats {
  std::map<uint8_t, Rtpmap> rtpmaps;
  std::map<uint8_t, std::vector<FmtpParam>> fmtps;
  std::vector<RtcpFb> feedback;
  std::vector<uint8_t> order;  // payload types in m= line order
};
SdpResult<SectionFormats> readFormats(const MediaSection& m);
// The fmtp parameters of `pt` (empty when it has no a=fmtp).
const std::vector<FmtpParam>& fmtpOf(const SectionFormats& f, uint8_t pt);
// RFC 4588 §8.1: the rtx payload type whose apt= names `pt` at the same clock rate.
std::optional<uint8_t> findRtx(const SectionFormats& f, uint8_t pt, uint32_t clockRate);

// Whether two fmtp lists of codec `name` describe the same payload format, i.e. differ at
// most in parameters both sides may pick freely (level, fec): H.264 packetization-mode and
// profile (RFC 6184 §8.2.2), VP9 profile-id, AV1 profile must agree.
bool sameCodecVariant(std::string_view name, const std::vector<FmtpParam>& a,
                      const std::vector<FmtpParam>& b);

// Reads the peer's ICE credentials and DTLS fingerprint from `first` (else session level)
// into `session`; `role` ("offer"/"answer") names the description in error messages.
SdpResult<bool> readRemoteIdentity(const SessionDescription& sd, const MediaSection& first,
                                   std::string_view role, NegotiatedSession& session);

// The peer's SCTP port and max-message-size (RFC 8841 §5-6) from a data channel section
// into `data` (left at their defaults when absent).
SdpResult<bool> readSctpParameters(const MediaSection& m, NegotiatedData& data);
// Our a=sctp-port and a=max-message-size lines of a data channel section.
void writeSctpParameters(AttributeList& out, const NegotiatedData& data);

// Our host candidates in SDP form (RFC 8445 §5.1.2.1 priorities).
std::vector<Candidate> hostCandidates(const std::vector<HostCandidate>& hosts);
// The priority of our `index`-th host candidate: UDP, or passive TCP (RFC 6544 §4.2) below it.
uint32_t hostCandidatePriority(bool tcpPassive, uint32_t index, uint16_t component) noexcept;
// a=rtpmap / a=rtcp-fb / a=fmtp of each codec, then its RTX pair, as Chromium orders them.
void writeCodecLines(AttributeList& out, const std::vector<NegotiatedCodec>& codecs);
// RFC 5576 a=ssrc-group:FID (when `withRtx`) and a=ssrc cname/msid lines of a stream we send.
void writeLocalStreamLines(AttributeList& out, const LocalStream& s, bool withRtx);

}  // namespace rtcgate::wire::sdp
