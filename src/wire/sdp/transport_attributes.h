#pragma once
// Typed views of the SDP attributes that set up the transport: BUNDLE groups, ICE
// candidates and credentials, DTLS fingerprint and setup role, msid.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "wire/sdp/session_description.h"

namespace rtcgate::wire::sdp {

// a=group:<semantics> <id>... (RFC 5888 §5; BUNDLE is RFC 9143).
struct Group {
  std::string semantics;
  std::vector<std::string> mids;
  static Result<Group> parse(std::string_view value);
  std::string toString() const;
};

// a=fingerprint:<hash-func> <value> (RFC 8122 §5). hashFunc is lower-cased.
// Digest length of a DTLS fingerprint hash function we support (sha-1/224/256/384/512, RFC
// 8122 §5); nullopt for any other.
std::optional<size_t> fingerprintDigestBytes(std::string_view hashFunc) noexcept;

struct Fingerprint {
  std::string hashFunc;
  std::string value;  // upper-case colon-separated hex, as sent
  static Result<Fingerprint> parse(std::string_view value);
  std::string toString() const { return hashFunc + ' ' + value; }
};

// a=setup (RFC 4145 §4, RFC 8842 §5.1): which side starts the DTLS handshake.
enum class Setup : uint8_t { kActpass, kActive, kPassive, kHoldconn };
Result<Setup> parseSetup(std::string_view value);
std::string_view setupName(Setup s) noexcept;

// a=msid:<stream id> [<track id>] (RFC 8830 §2).
struct Msid {
  std::string streamId;
  std::string trackId;
  static Result<Msid> parse(std::string_view value);
  std::string toString() const { return trackId.empty() ? streamId : streamId + ' ' + trackId; }
};

// a=candidate (RFC 8839 §5.1).
struct Candidate {
  std::string foundation;
  uint16_t component = 1;
  std::string transport;  // "udp" or "tcp", lower-cased
  uint32_t priority = 0;
  std::string address;
  uint16_t port = 0;
  std::string type;  // host, srflx, prflx, relay
  std::string relAddr;
  uint16_t relPort = 0;
  std::string tcpType;  // active, passive, so (RFC 6544 §4.5), empty for udp
  std::vector<std::pair<std::string, std::string>> extensions;  // generation, network-id, ...
  static Result<Candidate> parse(std::string_view value);
  std::string toString() const;
};

// The ICE ufrag/pwd pair a section carries, falling back to the session level (RFC 8839 §5.4).
struct IceCredentials {
  std::string ufrag;
  std::string pwd;
};
std::optional<IceCredentials> iceCredentials(const SessionDescription& sd, const MediaSection& m);

// Looks up `name` in the media section, then at session level (for ICE/DTLS attributes).
const Attribute* findWithFallback(const SessionDescription& sd, const MediaSection& m, std::string_view name);

}  // namespace rtcgate::wire::sdp
