#pragma once
// What a TLS ClientHello says before any key is exchanged (RFC 8446 §4.1.2, RFC 5246
// §7.4.1.2): the server name (SNI, RFC 6066 §3) and the offered application protocols
// (ALPN, RFC 7301). A listener that serves more than one protocol on one TLS port routes by
// them (TURN over TLS beside HTTPS) before it hands the bytes to its TLS library.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace rtcgate::wire::tls {

struct ClientHelloInfo {
  std::string serverName;          // the host_name of server_name; empty when absent
  std::vector<std::string> alpn;   // in the client's order; empty when absent
};

// Reading the first bytes of a TLS connection.
enum class HelloStatus {
  kComplete,  // `info` holds what the ClientHello says
  kNeedMore,  // a prefix of a plausible ClientHello: read more and try again
  kNotTls,    // not a TLS handshake record holding a ClientHello
};

// Parses the ClientHello at the start of `bytes`: its first handshake record, which must hold
// the whole ClientHello (as every common client sends it; one record carries up to 16 KiB).
// A malformed ClientHello is kNotTls. Never reads past `bytes`.
HelloStatus parseClientHello(std::span<const uint8_t> bytes, ClientHelloInfo& info);

}  // namespace rtcgate::wire::tls
