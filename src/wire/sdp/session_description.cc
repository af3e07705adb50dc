#include "wire/sdp/session_description.h"

#include "wire/sdp/sdp_text.h"

namespace rtcgate::wire::sdp {
namespace {

// Bytes RFC 8866 §9 never allows in a value: NUL, CR, LF and other controls (TAB is fine).
bool hasControlChar(std::string_view s) noexcept {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return true;
  }
  return false;
}

Attribute parseAttribute(std::string_view value, int line) {
  Attribute a;
  a.line = line;
  size_t colon = value.find(':');
  if (colon == std::string_view::npos) {
    a.name = std::string(value);
  } else {
    a.name = std::string(value.substr(0, colon));
    a.value = std::string(value.substr(colon + 1));
    a.hasValue = true;
  }
  return a;
}

// RFC 8866 §5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...
SdpResult<MediaSection> parseMediaLine(std::string_view value, int line) {
  auto tokens = splitWhitespace(value);
  if (tokens.empty()) return sdpError("m= line has no media type", line);
  if (tokens.size() < 2) return sdpError("m= line has no port", line);
  if (tokens.size() < 3) return sdpError("m= line has no protocol", line);
  if (tokens.size() < 4) return sdpError("m= line has no formats", line);
  MediaSection m;
  m.line = line;
  m.kind = std::string(tokens[0]);
  std::string_view port = tokens[1];
  size_t slash = port.find('/');
  if (slash != std::string_view::npos) {
    auto count = parseNumber<uint16_t>(port.substr(slash + 1));
    if (!count || *count == 0) return sdpError("m= line has a bad number of ports", line);
    m.portCount = *count;
    port = port.substr(0, slash);
  }
  auto p = parseNumber<uint16_t>(port);
  if (!p) return sdpError("m= line port is not a number 0-65535", line);
  m.port = *p;
  m.proto = std::string(tokens[2]);
  for (size_t i = 3; i < tokens.size(); ++i) m.formats.emplace_back(tokens[i]);
  return m;
}

// Session-level field letters of RFC 8866 §5 (the order is not enforced; we keep theirs).
bool isSessionField(char t) noexcept {
  return t == 'v' || t == 'o' || t == 's' || t == 'i' || t == 'u' || t == 'e' || t == 'p' || t == 'c' ||
         t == 'b' || t == 't' || t == 'r' || t == 'z' || t == 'k';
}
bool isMediaField(char t) noexcept { return t == 'i' || t == 'c' || t == 'b' || t == 'k'; }

// Adds one "<type>=<value>" line to `sd`; `line` is 1-based for messages.
SdpResult<bool> addLine(SessionDescription& sd, char type, std::string_view value, int line) {
  if (type == 'm') {
    if (sd.media.size() >= kMaxMediaSections) return sdpError("more than 128 media sections", line);
    auto m = parseMediaLine(value, line);
    if (!m) return m.error();
    sd.media.push_back(std::move(m.value()));
    return true;
  }
  if (type == 'a') {
    if (value.empty() || value.front() == ':') return sdpError("a= line has no attribute name", line);
    auto& list = sd.media.empty() ? sd.attributes : sd.media.back().attributes;
    list.items.push_back(parseAttribute(value, line));
    return true;
  }
  if (sd.media.empty()) {
    if (!isSessionField(type)) return sdpError(std::string("unknown session-level line type '") + type + "'", line);
    if (type == 'v' && !sd.fields.empty()) return sdpError("v= must appear once, first", line);
    sd.fields.push_back(Field{type, std::string(value)});
    return true;
  }
  if (!isMediaField(type)) return sdpError(std::string("line type '") + type + "' not allowed in a media section", line);
  sd.media.back().fields.push_back(Field{type, std::string(value)});
  return true;
}

SdpResult<bool> checkSessionHeader(const SessionDescription& sd) {
  if (sd.fields.empty() || sd.fields.front().type != 'v') return sdpError("first line must be v=0", 1);
  if (sd.fields.front().value != "0") return sdpError("unsupported SDP version (v= must be 0)", 1);
  if (sd.field('o') == nullptr) return sdpError("missing o= line");
  if (sd.field('s') == nullptr) return sdpError("missing s= line");
  return true;
}

void appendLine(std::string& out, char type, std::string_view value) {
  out += type;
  out += '=';
  out += value;
  out += "\r\n";
}

void appendAttributes(std::string& out, const AttributeList& list) {
  for (const auto& a : list.items) {
    out += "a=";
    out += a.name;
    if (a.hasValue) {
      out += ':';
      out += a.value;
    }
    out += "\r\n";
  }
}

}  // namespace

const Attribute* AttributeList::find(std::string_view name) const noexcept {
  for (const auto& a : items)
    if (a.name == name) return &a;
  return nullptr;
}

std::optional<std::string_view> AttributeList::value(std::string_view name) const noexcept {
  const Attribute* a = find(name);
  if (a == nullptr) return std::nullopt;
  return std::string_view(a->value);
}

std::vector<const Attribute*> AttributeList::all(std::string_view name) const {
  std::vector<const Attribute*> out;
  for (const auto& a : items)
    if (a.name == name) out.push_back(&a);
  return out;
}

void AttributeList::add(std::string name, std::string value) {
  items.push_back(Attribute{std::move(name), std::move(value), true, 0});
}

void AttributeList::addFlag(std::string name) { items.push_back(Attribute{std::move(name), {}, false, 0}); }

const Field* SessionDescription::field(char type) const noexcept {
  for (const auto& f : fields)
    if (f.type == type) return &f;
  return nullptr;
}

SdpResult<SessionDescription> SessionDescription::parse(std::string_view text) noexcept {
  if (text.size() > kMaxSdpBytes) return sdpError("SDP body larger than 128 KiB");
  if (text.empty()) return sdpError("empty SDP body");
  SessionDescription sd;
  int line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view raw = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++line;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    if (raw.size() > kMaxSdpLineBytes) return sdpError("line longer than 4 KiB", line);
    if (raw.empty()) continue;  // tolerate blank lines, typically a trailing one
    if (raw.size() < 2 || raw[1] != '=' || raw[0] < 'a' || raw[0] > 'z')
      return sdpError("expected <type>=<value>", line);
    std::string_view value = raw.substr(2);
    if (hasControlChar(value)) return sdpError("control character in line", line);
    auto added = addLine(sd, raw[0], value, line);
    if (!added) return added.error();
  }
  auto header = checkSessionHeader(sd);
  if (!header) return header.error();
  return sd;
}

std::string SessionDescription::serialize() const {
  std::string out;
  out.reserve(4096);
  for (const auto& f : fields) appendLine(out, f.type, f.value);
  appendAttributes(out, attributes);
  for (const auto& m : media) {
    std::string mline = m.kind + ' ' + std::to_string(m.port);
    if (m.portCount != 0) mline += '/' + std::to_string(m.portCount);
    mline += ' ' + m.proto;
    for (const auto& f : m.formats) mline += ' ' + f;
    appendLine(out, 'm', mline);
    for (const auto& f : m.fields) appendLine(out, f.type, f.value);
    appendAttributes(out, m.attributes);
  }
  return out;
}

}  // namespace rtcgate::wire::sdp
