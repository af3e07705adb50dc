#pragma once
// Worker: one media thread — its event loop, packet pool and the UDP port its peers share.

#include <atomic>
#include <memory>

#include "base/clock.h"
#include "base/drop_counters.h"
#include "base/packet_buffer.h"
#include "net/event_loop.h"
#include "net/udp_socket.h"

namespace rtcgate::app {

class Worker final : public net::UdpSocketListener {
 public:
  explicit Worker(unsigned index);
  ~Worker() override;

  // Binds the worker's UDP port and starts its thread.
  Status start(const SocketAddress& udpAddress);
  void stop();

  unsigned index() const noexcept { return index_; }
  const SocketAddress& udpAddress() const noexcept { return socket_.localAddress(); }
  net::EventLoop& loop() noexcept { return loop_; }

  void onDatagram(PacketRef packet, const SocketAddress& from) override;

 private:
  unsigned index_;
  SteadyClock clock_;
  net::EventLoop loop_;
  PacketPool pool_;
  net::UdpSocket socket_;
  DropCounters drops_;
};

}  // namespace rtcgate::app
