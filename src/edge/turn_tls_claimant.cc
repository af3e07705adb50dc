#include "edge/turn_tls_claimant.h"

#include <strings.h>

#include <algorithm>

#include "wire/tls/client_hello.h"

namespace rtcgate::edge {

using Claim = net::FirstBytesClaimant::Claim;

Claim TurnTlsClaimant::inspect(std::span<const uint8_t> bytes, bool tlsPort, const SocketAddress&) {
  if (!tlsPort) return Claim::kDecline;
  wire::tls::ClientHelloInfo hello;
  switch (wire::tls::parseClientHello(bytes, hello)) {
    case wire::tls::HelloStatus::kNeedMore: return Claim::kNeedMore;
    case wire::tls::HelloStatus::kNotTls: return Claim::kDecline;  // HTTPS answers it (or fails the handshake)
    case wire::tls::HelloStatus::kComplete: break;
  }
  if (std::find(hello.alpn.begin(), hello.alpn.end(), "stun.turn") != hello.alpn.end()) return Claim::kTake;
  // A client that also offers HTTP is a browser reaching the TURN name over HTTPS: HTTP wins.
  const bool offersHttp = std::any_of(hello.alpn.begin(), hello.alpn.end(),
                                      [](const std::string& p) { return p == "http/1.1" || p == "h2"; });
  if (!serverName_.empty() && !offersHttp && strcasecmp(hello.serverName.c_str(), serverName_.c_str()) == 0)
    return Claim::kTake;
  return Claim::kDecline;
}

void TurnTlsClaimant::take(boost::asio::ip::tcp::socket socket, std::vector<uint8_t> bytes, bool, const SocketAddress&,
                           net::ClientSlot) {
  // The HTTP listener's per-client slot is released here, on its thread; the TURN server
  // bounds its own connections.
  turn_.adoptTls(std::move(socket), std::move(bytes));
}

}  // namespace rtcgate::edge
