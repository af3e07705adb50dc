#pragma once
// TurnTlsClaimant: shares the HTTPS port with TURN over TLS. It reads each new TLS
// connection's ClientHello and hands the connection to the TURN server when the client
// offers the ALPN protocol "stun.turn" (RFC 7443) or names the configured TURN host in its
// SNI; everything else stays HTTPS. Plain-HTTP ports are left alone.

#include <atomic>
#include <string>

#include "edge/turn_service.h"
#include "net/first_bytes.h"

namespace rtcgate::edge {

class TurnTlsClaimant final : public net::FirstBytesClaimant {
 public:
  // `serverName` empty: only ALPN "stun.turn" selects TURN.
  TurnTlsClaimant(TurnService& turn, std::string serverName) : turn_(turn), serverName_(std::move(serverName)) {}

  Claim inspect(std::span<const uint8_t> bytes, bool tlsPort, const SocketAddress& remote) override;
  void take(boost::asio::ip::tcp::socket socket, std::vector<uint8_t> bytes, bool tlsPort,
            const SocketAddress& remote, net::ClientSlot slot) override;

 private:
  TurnService& turn_;
  std::string serverName_;
};

}  // namespace rtcgate::edge
