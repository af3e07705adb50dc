#include "wire/sdp/rtp_attributes.h"

#include "wire/sdp/sdp_text.h"

namespace rtcgate::wire::sdp {
namespace {

// "<pt> <rest>": the leading payload type (0-127, RFC 3550 §5.1) and the remainder.
Result<std::pair<uint8_t, std::string_view>> splitPayloadType(std::string_view value, const char* error) {
  value = trim(value);
  size_t sp = value.find_first_of(" \t");
  std::string_view head = value.substr(0, sp);
  auto pt = parseNumber<uint8_t>(head);
  if (!pt || *pt > 127) return Error::malformed(error);
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : trim(value.substr(sp));
  return std::pair<uint8_t, std::string_view>{*pt, rest};
}

}  // namespace

Result<Rtpmap> Rtpmap::parse(std::string_view value) {
  auto head = splitPayloadType(value, "a=rtpmap payload type is not 0-127");
  if (!head) return head.error();
  auto parts = splitOn(head->second, '/');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty())
    return Error::malformed("a=rtpmap must be '<pt> <name>/<clock>[/<channels>]'");
  Rtpmap r;
  r.pt = head->first;
  r.encoding = std::string(parts[0]);
  auto clock = parseNumber<uint32_t>(parts[1]);
  if (!clock || *clock == 0) return Error::malformed("a=rtpmap clock rate is not a number");
  r.clockRate = *clock;
  if (parts.size() == 3) {
    auto ch = parseNumber<uint16_t>(parts[2]);
    if (!ch || *ch == 0) return Error::malformed("a=rtpmap channel count is not a number");
    r.channels = *ch;
  }
  return r;
}

std::string Rtpmap::toString() const {
  std::string out = std::to_string(pt) + ' ' + encoding + '/' + std::to_string(clockRate);
  if (channels != 0) out += '/' + std::to_string(channels);
  return out;
}

Result<Fmtp> Fmtp::parse(std::string_view value) {
  auto head = splitPayloadType(value, "a=fmtp payload type is not 0-127");
  if (!head) return head.error();
  return Fmtp{head->first, std::string(head->second)};
}

std::vector<FmtpParam> parseFmtpParams(std::string_view params) {
  std::vector<FmtpParam> out;
  for (auto piece : splitOn(params, ';')) {
    piece = trim(piece);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(std::string(), std::string(piece));
    } else {
      out.emplace_back(std::string(trim(piece.substr(0, eq))), std::string(trim(piece.substr(eq + 1))));
    }
  }
  return out;
}

std::string joinFmtpParams(const std::vector<FmtpParam>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += ';';
    out += k.empty() ? v : k + '=' + v;
  }
  return out;
}

std::optional<std::string_view> findFmtpParam(const std::vector<FmtpParam>& params, std::string_view key) {
  for (const auto& [k, v] : params)
    if (equalsIgnoreCase(k, key)) return std::string_view(v);
  return std::nullopt;
}

Result<RtcpFb> RtcpFb::parse(std::string_view value) {
  auto t = splitWhitespace(value);
  if (t.size() < 2) return Error::malformed("a=rtcp-fb must be '<pt> <type> [<param>]'");
  RtcpFb fb;
  if (t[0] != "*") {
    auto pt = parseNumber<uint8_t>(t[0]);
    if (!pt || *pt > 127) return Error::malformed("a=rtcp-fb payload type is not 0-127");
    fb.pt = *pt;
  }
  fb.type = std::string(t[1]);
  for (size_t i = 2; i < t.size(); ++i) {
    if (!fb.param.empty()) fb.param += ' ';
    fb.param += t[i];
  }
  return fb;
}

std::string RtcpFb::toString() const {
  std::string out = pt < 0 ? std::string("*") : std::to_string(pt);
  out += ' ' + type;
  if (!param.empty()) out += ' ' + param;
  return out;
}

std::string_view directionName(Direction d) noexcept {
  switch (d) {
    case Direction::kSendRecv: return "sendrecv";
    case Direction::kSendOnly: return "sendonly";
    case Direction::kRecvOnly: return "recvonly";
    case Direction::kInactive: return "inactive";
  }
  return "sendrecv";
}

std::optional<Direction> parseDirection(std::string_view name) noexcept {
  if (name == "sendrecv") return Direction::kSendRecv;
  if (name == "sendonly") return Direction::kSendOnly;
  if (name == "recvonly") return Direction::kRecvOnly;
  if (name == "inactive") return Direction::kInactive;
  return std::nullopt;
}

Direction mediaDirection(const SessionDescription& sd, const MediaSection& m) noexcept {
  for (const auto* list : {&m.attributes, &sd.attributes})
    for (const auto& a : list->items)
      if (auto d = parseDirection(a.name); d && !a.hasValue) return *d;
  return Direction::kSendRecv;
}

Direction reverseDirection(Direction d) noexcept {
  switch (d) {
    case Direction::kSendOnly: return Direction::kRecvOnly;
    case Direction::kRecvOnly: return Direction::kSendOnly;
    default: return d;
  }
}

Result<Extmap> Extmap::parse(std::string_view value) {
  auto t = splitWhitespace(value);
  if (t.size() < 2) return Error::malformed("a=extmap must be '<id>[/<direction>] <uri>'");
  Extmap e;
  std::string_view id = t[0];
  size_t slash = id.find('/');
  if (slash != std::string_view::npos) {
    e.direction = parseDirection(id.substr(slash + 1));
    if (!e.direction) return Error::malformed("a=extmap direction is not sendrecv/sendonly/recvonly/inactive");
    id = id.substr(0, slash);
  }
  // RFC 8285 §5: ids 1-14 for one-byte headers, up to 255 with two-byte headers.
  auto n = parseNumber<uint16_t>(id);
  if (!n || *n == 0 || *n > 255) return Error::malformed("a=extmap id is not 1-255");
  e.id = *n;
  e.uri = std::string(t[1]);
  for (size_t i = 2; i < t.size(); ++i) {
    if (!e.attributes.empty()) e.attributes += ' ';
    e.attributes += t[i];
  }
  return e;
}

std::string Extmap::toString() const {
  std::string out = std::to_string(id);
  if (direction) out += '/' + std::string(directionName(*direction));
  out += ' ' + uri;
  if (!attributes.empty()) out += ' ' + attributes;
  return out;
}

Result<SsrcAttribute> SsrcAttribute::parse(std::string_view value) {
  value = trim(value);
  size_t sp = value.find_first_of(" \t");
  if (sp == std::string_view::npos) return Error::malformed("a=ssrc must be '<ssrc> <attribute>[:<value>]'");
  auto ssrc = parseNumber<uint32_t>(value.substr(0, sp));
  if (!ssrc) return Error::malformed("a=ssrc id is not a 32-bit number");
  std::string_view rest = trim(value.substr(sp));
  SsrcAttribute s;
  s.ssrc = *ssrc;
  size_t colon = rest.find(':');
  s.attribute = std::string(rest.substr(0, colon));
  if (colon != std::string_view::npos) s.value = std::string(rest.substr(colon + 1));
  if (s.attribute.empty()) return Error::malformed("a=ssrc has no attribute name");
  return s;
}

std::string SsrcAttribute::toString() const {
  std::string out = std::to_string(ssrc) + ' ' + attribute;
  if (!value.empty()) out += ':' + value;
  return out;
}

Result<SsrcGroup> SsrcGroup::parse(std::string_view value) {
  auto t = splitWhitespace(value);
  if (t.size() < 2) return Error::malformed("a=ssrc-group must be '<semantics> <ssrc>...'");
  SsrcGroup g;
  g.semantics = std::string(t[0]);
  for (size_t i = 1; i < t.size(); ++i) {
    auto s = parseNumber<uint32_t>(t[i]);
    if (!s) return Error::malformed("a=ssrc-group id is not a 32-bit number");
    g.ssrcs.push_back(*s);
  }
  return g;
}

std::string SsrcGroup::toString() const {
  std::string out = semantics;
  for (uint32_t s : ssrcs) out += ' ' + std::to_string(s);
  return out;
}

}  // namespace rtcgate::wire::sdp
