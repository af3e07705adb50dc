#pragma once
// Typed views of the SDP attributes that describe RTP streams: rtpmap, fmtp, rtcp-fb,
// extmap, ssrc, ssrc-group and the media direction.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "wire/sdp/session_description.h"

namespace rtcgate::wire::sdp {

// a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>] (RFC 8866 §6.6).
struct Rtpmap {
  uint8_t pt = 0;
  std::string encoding;  // as sent ("VP8", "opus", "H264")
  uint32_t clockRate = 0;
  uint16_t channels = 0;  // 0 when absent
  static Result<Rtpmap> parse(std::string_view value);
  std::string toString() const;
};

// One key=value of an fmtp parameter list; a bare value ("111/111") has an empty key.
using FmtpParam = std::pair<std::string, std::string>;

// a=fmtp:<pt> <format specific parameters> (RFC 8866 §6.15).
struct Fmtp {
  uint8_t pt = 0;
  std::string params;  // raw text after the payload type
  static Result<Fmtp> parse(std::string_view value);
  std::string toString() const { return std::to_string(pt) + ' ' + params; }
};
// Splits "a=1;b=2" into pairs (whitespace around pieces trimmed, empty pieces dropped).
std::vector<FmtpParam> parseFmtpParams(std::string_view params);
std::string joinFmtpParams(const std::vector<FmtpParam>& params);
std::optional<std::string_view> findFmtpParam(const std::vector<FmtpParam>& params, std::string_view key);

// a=rtcp-fb:<pt|*> <type> [<param>] (RFC 4585 §4.2).
struct RtcpFb {
  int pt = -1;  // -1 for the "*" wildcard
  std::string type;   // nack, ccm, goog-remb, transport-cc
  std::string param;  // pli, fir, ... (empty when absent)
  static Result<RtcpFb> parse(std::string_view value);
  std::string toString() const;
  bool operator==(const RtcpFb&) const = default;
};

// Direction of a media section (RFC 8866 §6.7) or of an extmap (RFC 8285 §8).
enum class Direction : uint8_t { kSendRecv, kSendOnly, kRecvOnly, kInactive };
std::string_view directionName(Direction d) noexcept;
std::optional<Direction> parseDirection(std::string_view name) noexcept;
// The direction attribute of `m`, else of the session, else sendrecv.
Direction mediaDirection(const SessionDescription& sd, const MediaSection& m) noexcept;
// What the answerer does when the offerer does `d` (RFC 3264 §6.1).
Direction reverseDirection(Direction d) noexcept;

// a=extmap:<id>[/<direction>] <uri> [<attributes>] (RFC 8285 §8).
struct Extmap {
  uint16_t id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;
  static Result<Extmap> parse(std::string_view value);
  std::string toString() const;
};

// a=ssrc:<ssrc-id> <attribute>[:<value>] (RFC 5576 §4.1).
struct SsrcAttribute {
  uint32_t ssrc = 0;
  std::string attribute;  // cname, msid, ...
  std::string value;
  static Result<SsrcAttribute> parse(std::string_view value);
  std::string toString() const;
};

// a=ssrc-group:<semantics> <ssrc-id>... (RFC 5576 §4.2): FID (RFC 4588), SIM.
struct SsrcGroup {
  std::string semantics;
  std::vector<uint32_t> ssrcs;
  static Result<SsrcGroup> parse(std::string_view value);
  std::string toString() const;
};

}  // namespace rtcgate::wire::sdp
