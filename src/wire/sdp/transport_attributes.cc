#include "wire/sdp/transport_attributes.h"

#include "wire/sdp/sdp_text.h"

namespace rtcgate::wire::sdp {

Result<Group> Group::parse(std::string_view value) {
  auto tokens = splitWhitespace(value);
  if (tokens.empty()) return Error::malformed("a=group has no semantics");
  Group g;
  g.semantics = std::string(tokens[0]);
  for (size_t i = 1; i < tokens.size(); ++i) g.mids.emplace_back(tokens[i]);
  return g;
}

std::string Group::toString() const {
  std::string out = semantics;
  for (const auto& m : mids) out += ' ' + m;
  return out;
}

std::optional<size_t> fingerprintDigestBytes(std::string_view hashFunc) noexcept {
  static constexpr std::pair<std::string_view, size_t> kDigestBytes[] = {
      {"sha-1", 20}, {"sha-224", 28}, {"sha-256", 32}, {"sha-384", 48}, {"sha-512", 64}};
  for (const auto& [name, size] : kDigestBytes)
    if (hashFunc == name) return size;
  return std::nullopt;
}

Result<Fingerprint> Fingerprint::parse(std::string_view value) {
  auto tokens = splitWhitespace(value);
  if (tokens.size() != 2) return Error::malformed("a=fingerprint must be '<hash-func> <hex>'");
  Fingerprint f;
  f.hashFunc = toLower(tokens[0]);
  f.value = std::string(tokens[1]);
  // RFC 8122 §5: 2UHEX *(":" 2UHEX); accept lower case too, as some stacks send it.
  auto bytes = splitOn(f.value, ':');
  for (auto b : bytes) {
    if (b.size() != 2) return Error::malformed("a=fingerprint value is not colon-separated hex");
    for (char c : b)
      if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
        return Error::malformed("a=fingerprint value is not colon-separated hex");
  }
  // The digest must be as long as its hash function makes it, or DTLS fails much later. Other
  // hash functions pass: whoever uses the fingerprint says whether it is supported.
  if (const auto size = fingerprintDigestBytes(f.hashFunc); size && bytes.size() != *size)
    return Error::malformed("a=fingerprint digest has the wrong length for its hash function");
  return f;
}

Result<Setup> parseSetup(std::string_view value) {
  value = trim(value);
  if (value == "actpass") return Setup::kActpass;
  if (value == "active") return Setup::kActive;
  if (value == "passive") return Setup::kPassive;
  if (value == "holdconn") return Setup::kHoldconn;
  return Error::malformed("a=setup must be actpass, active, passive or holdconn");
}

std::string_view setupName(Setup s) noexcept {
  switch (s) {
    case Setup::kActpass: return "actpass";
    case Setup::kActive: return "active";
    case Setup::kPassive: return "passive";
    case Setup::kHoldconn: return "holdconn";
  }
  return "actpass";
}

Result<Msid> Msid::parse(std::string_view value) {
  auto tokens = splitWhitespace(value);
  if (tokens.empty() || tokens.size() > 2) return Error::malformed("a=msid must be '<stream> [<track>]'");
  Msid m;
  m.streamId = std::string(tokens[0]);
  if (tokens.size() == 2) m.trackId = std::string(tokens[1]);
  return m;
}

namespace {

// Trailing "name value" pairs of a candidate line (raddr, rport, tcptype, extensions).
Status parseCandidateTail(Candidate& c, const std::vector<std::string_view>& t, size_t i) {
  for (; i < t.size(); i += 2) {
    if (i + 1 >= t.size()) return Error::malformed("a=candidate has an attribute without a value");
    if (t[i] == "raddr") {
      c.relAddr = std::string(t[i + 1]);
    } else if (t[i] == "rport") {
      auto p = parseNumber<uint16_t>(t[i + 1]);
      if (!p) return Error::malformed("a=candidate rport is not a port");
      c.relPort = *p;
    } else if (t[i] == "tcptype") {
      c.tcpType = std::string(t[i + 1]);
    } else {
      c.extensions.emplace_back(std::string(t[i]), std::string(t[i + 1]));
    }
  }
  return {};
}

}  // namespace

Result<Candidate> Candidate::parse(std::string_view value) {
  auto t = splitWhitespace(value);
  // foundation component transport priority address port "typ" type
  if (t.size() < 8 || t[6] != "typ") return Error::malformed("a=candidate needs 8 fields ending in 'typ <type>'");
  Candidate c;
  c.foundation = std::string(t[0]);
  auto comp = parseNumber<uint16_t>(t[1]);
  auto prio = parseNumber<uint32_t>(t[3]);
  auto port = parseNumber<uint16_t>(t[5]);
  if (!comp || *comp == 0) return Error::malformed("a=candidate component is not a number");
  if (!prio) return Error::malformed("a=candidate priority is not a number");
  if (!port) return Error::malformed("a=candidate port is not a port");
  c.component = *comp;
  c.transport = toLower(t[2]);
  c.priority = *prio;
  c.address = std::string(t[4]);
  c.port = *port;
  c.type = std::string(t[7]);
  Status tail = parseCandidateTail(c, t, 8);
  if (!tail) return tail.error();
  return c;
}

std::string Candidate::toString() const {
  std::string out = foundation + ' ' + std::to_string(component) + ' ' + transport + ' ' + std::to_string(priority) +
                    ' ' + address + ' ' + std::to_string(port) + " typ " + type;
  if (!relAddr.empty()) out += " raddr " + relAddr + " rport " + std::to_string(relPort);
  if (!tcpType.empty()) out += " tcptype " + tcpType;
  for (const auto& [k, v] : extensions) out += ' ' + k + ' ' + v;
  return out;
}

const Attribute* findWithFallback(const SessionDescription& sd, const MediaSection& m, std::string_view name) {
  const Attribute* a = m.attributes.find(name);
  return a != nullptr ? a : sd.attributes.find(name);
}

std::optional<IceCredentials> iceCredentials(const SessionDescription& sd, const MediaSection& m) {
  const Attribute* ufrag = findWithFallback(sd, m, "ice-ufrag");
  const Attribute* pwd = findWithFallback(sd, m, "ice-pwd");
  if (ufrag == nullptr || pwd == nullptr) return std::nullopt;
  return IceCredentials{ufrag->value, pwd->value};
}

}  // namespace rtcgate::wire::sdp
