#pragma once
// FirstBytesClaimant: the seam through which another protocol shares the HTTP listener's
// port. Before HTTP or TLS sees a new connection, a registered claimant is shown the first
// bytes the client sent — on a TLS port, the start of its ClientHello (in clear, so its ALPN
// and SNI can be read); on a plain port, a STUN/TURN header or an HTTP request line — and
// may take the connection. A TURN server shares 443 with HTTPS this way.

#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/socket_address.h"
#include "net/client_limiter.h"

namespace rtcgate::net {

// Bytes read before a claimant must decide (a ClientHello fits in one 16 KiB record).
inline constexpr size_t kFirstBytesMax = 16 * 1024 + 5;

class FirstBytesClaimant {
 public:
  enum class Claim {
    kTake,      // take() follows
    kDecline,   // HTTP (or HTTPS) serves the connection
    kNeedMore,  // read on (up to kFirstBytesMax, within the handshake timeout) and ask again
  };
  virtual ~FirstBytesClaimant() = default;
  // On the control thread; `bytes` holds at least one byte. Must not keep the span.
  virtual Claim inspect(std::span<const uint8_t> bytes, bool tlsPort, const SocketAddress& remote) = 0;
  // After kTake: the connection, what was read from it so far (the claimant's protocol
  // starts there) and the client's place in the per-client connection count.
  virtual void take(boost::asio::ip::tcp::socket socket, std::vector<uint8_t> bytes, bool tlsPort,
                    const SocketAddress& remote, ClientSlot slot) = 0;
};

}  // namespace rtcgate::net
