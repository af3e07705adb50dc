#pragma once
// UdpSocket: one non-blocking UDP socket on an EventLoop, receiving with recvmmsg into pooled
// buffers and sending in batches with sendmmsg (DESIGN.md §5).

#include <sys/socket.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <span>

#include "base/packet_buffer.h"
#include "base/result.h"
#include "base/socket_address.h"
#include "net/event_loop.h"

namespace rtcgate::net {

// Receives every datagram of a socket, on the loop thread.
class UdpSocketListener {
 public:
  virtual ~UdpSocketListener() = default;
  virtual void onDatagram(PacketRef packet, const SocketAddress& from) = 0;
  // Called after each receive batch; a good moment to flush sends.
  virtual void onReceiveBatchDone() {}
};

// Counters a worker exports as metrics.
struct UdpSocketStats {
  uint64_t packetsIn = 0, bytesIn = 0, packetsOut = 0, bytesOut = 0;
  uint64_t recvBatches = 0, sendBatches = 0, sendErrors = 0, poolExhausted = 0;
};

class UdpSocket {
 public:
  static constexpr size_t kBatch = 32;

  UdpSocket(EventLoop& loop, PacketPool& pool, UdpSocketListener& listener);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Binds (port 0 = any free port) and starts receiving.
  Status open(const SocketAddress& local);
  void close();
  const SocketAddress& localAddress() const noexcept { return local_; }

  // Queues a datagram; the buffer is held until the batch is flushed. Flushes when the
  // batch is full and schedules a flush at the end of the current loop turn otherwise.
  void send(PacketRef packet, const SocketAddress& to) noexcept;
  // Copies `bytes` into a pooled buffer and queues it (control packets: STUN, DTLS).
  void sendCopy(std::span<const uint8_t> bytes, const SocketAddress& to) noexcept;
  void flush() noexcept;

  const UdpSocketStats& stats() const noexcept { return stats_; }

 private:
  void armRead();
  void drain();
  bool refill(size_t slot) noexcept;

  EventLoop& loop_;
  PacketPool& pool_;
  UdpSocketListener& listener_;
  boost::asio::posix::stream_descriptor fd_;
  SocketAddress local_;

  std::array<PacketRef, kBatch> rxBufs_;
  std::array<mmsghdr, kBatch> rxMsgs_{};
  std::array<iovec, kBatch> rxIov_{};
  std::array<sockaddr_storage, kBatch> rxAddrs_{};

  std::array<PacketRef, kBatch> txBufs_;
  std::array<SocketAddress, kBatch> txAddrs_;
  std::array<mmsghdr, kBatch> txMsgs_{};
  std::array<iovec, kBatch> txIov_{};
  size_t txCount_ = 0;
  bool flushPosted_ = false;

  UdpSocketStats stats_;
};

}  // namespace rtcgate::net
