#pragma once
// IceTcpConnection: one accepted ICE-TCP connection (RFC 6544) of a media worker — RFC 4571
// frames read into a fixed buffer and handed up one by one, datagrams framed into a bounded
// send buffer and written without blocking, at the end of the loop turn.

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/packet_buffer.h"
#include "base/socket_address.h"
#include "net/event_loop.h"
#include "wire/rfc4571/frame.h"

namespace rtcgate::cluster {

// Why an ICE-TCP connection ended (counted per reason in the metrics).
enum class IceTcpClose : uint8_t {
  kPeerClosed,       // FIN, RST or a read/write error
  kRefused,          // accepted over a per-worker limit
  kBadFirstPacket,   // before authentication: not a STUN binding request for a known ufrag
  kSessionLimit,     // too many connections for one session
  kAuthTimeout,      // no binding request answered with success in time
  kFrameTooLarge,    // a frame longer than any datagram we accept
  kIdle,             // nothing the demux took for the consent period
  kWriteStalled,     // the peer stopped reading
  kShutdown,
  kCount,
};
std::string_view iceTcpCloseName(IceTcpClose reason) noexcept;

class IceTcpConnection : public std::enable_shared_from_this<IceTcpConnection> {
 public:
  // The largest datagram a frame may carry: what a packet buffer holds.
  static constexpr size_t kMaxDatagram = PacketBuffer::kCapacity - PacketBuffer::kHeadroom;

  // Told on the loop thread; the owner holds the connection.
  class Owner {
   public:
    virtual ~Owner() = default;
    virtual void onFrame(IceTcpConnection& c, std::span<const uint8_t> datagram) = 0;
    // Once, after the socket closed.
    virtual void onClosed(IceTcpConnection& c, IceTcpClose reason) = 0;
  };

  IceTcpConnection(net::EventLoop& loop, boost::asio::ip::tcp::socket socket, SocketAddress remote, Clock& clock,
                   Owner& owner, size_t maxBufferedBytes);
  IceTcpConnection(const IceTcpConnection&) = delete;
  IceTcpConnection& operator=(const IceTcpConnection&) = delete;

  void start();
  // Frames and queues one datagram; false (nothing queued) when the send buffer has no
  // room for it, so a slow reader loses whole packets, never the framing.
  bool send(std::span<const uint8_t> datagram) noexcept;
  void close(IceTcpClose reason) noexcept;

  const SocketAddress& remote() const noexcept { return remote_; }
  bool open() const noexcept { return open_; }
  // True once our ICE agent answered a check on it with success.
  bool authenticated() const noexcept { return authenticated_; }
  void markAuthenticated() noexcept { authenticated_ = true; }
  // The local ufrag its first request named (the session it belongs to).
  const std::string& ufrag() const noexcept { return ufrag_; }
  void setUfrag(std::string_view ufrag) { ufrag_ = std::string(ufrag); }
  int64_t acceptedUs() const noexcept { return acceptedUs_; }
  // Last time the demux took one of its datagrams (liveness).
  int64_t lastDeliveredUs() const noexcept { return lastDeliveredUs_; }
  void delivered(int64_t nowUs) noexcept { lastDeliveredUs_ = nowUs; }
  // Since when bytes have waited without any being written (0: none wait, or progress).
  int64_t stalledSinceUs() const noexcept { return txHead_ < tx_.size() ? lastWriteProgressUs_ : 0; }
  size_t bufferedBytes() const noexcept { return tx_.size() - txHead_; }

 private:
  void armRead();
  void readSome();
  void scheduleFlush();
  void flush();

  net::EventLoop& loop_;
  boost::asio::ip::tcp::socket socket_;
  SocketAddress remote_;
  Clock& clock_;
  Owner& owner_;
  size_t maxBuffered_;
  std::array<uint8_t, 8192> rx_{};
  wire::rfc4571::FrameReader reader_;
  std::vector<uint8_t> tx_;  // framed bytes; [txHead_, size) are unsent
  size_t txHead_ = 0;
  bool flushPosted_ = false;
  bool writeArmed_ = false;
  bool open_ = true;
  bool authenticated_ = false;
  std::string ufrag_;
  int64_t acceptedUs_;
  int64_t lastDeliveredUs_;
  int64_t lastWriteProgressUs_;
};

}  // namespace rtcgate::cluster
