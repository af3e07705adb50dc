#pragma once
// TcpWriter: the write side of one TCP connection — bytes are queued and written by one
// async_write at a time, and the owner sees how much waits and for how long, so it can
// drop media for a slow peer or cut off one that stopped reading. Every TCP protocol
// server and client of the project writes through one.

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "base/clock.h"

namespace rtcgate::net {

class TcpWriter {
 public:
  // Runs on the socket's loop after each write (an error: the connection is broken).
  using Written = std::function<void(const boost::system::error_code& ec, size_t bytes)>;

  TcpWriter(boost::asio::ip::tcp::socket& socket, Clock& clock) : socket_(socket), clock_(clock) {}
  TcpWriter(const TcpWriter&) = delete;
  TcpWriter& operator=(const TcpWriter&) = delete;

  void onWritten(Written fn) { written_ = std::move(fn); }
  // Writes through a layer over the socket (TLS) instead of the socket itself: `through`
  // starts one async write of the whole buffer and calls the handler when it is done.
  using AsyncWrite = std::function<void(boost::asio::const_buffer, Written)>;
  void writeThrough(AsyncWrite through) { through_ = std::move(through); }
  // Queues `bytes`, and starts writing when no write is in flight. The pending write holds
  // `owner` (the object the writer lives in), so the buffers outlive the operation.
  void write(std::span<const uint8_t> bytes, const std::shared_ptr<void>& owner);
  // Drops what is queued and not yet being written.
  void discardQueued() noexcept { pending_.clear(); }

  bool writing() const noexcept { return writing_; }
  bool idle() const noexcept { return !writing_ && pending_.empty(); }
  // Bytes handed over and not yet written to the socket.
  size_t queuedBytes() const noexcept { return pending_.size() + inflight_.size(); }
  // How long the oldest unwritten byte has waited (0 when nothing waits).
  int64_t queuedAgeMs() const noexcept;
  // How long the write in flight has taken so far (0 when none is).
  int64_t writeAgeMs() const noexcept { return writing_ ? clock_.nowMs() - writeStartedMs_ : 0; }

 private:
  void flush(const std::shared_ptr<void>& owner);

  boost::asio::ip::tcp::socket& socket_;
  Clock& clock_;
  Written written_;
  AsyncWrite through_;
  std::vector<uint8_t> pending_;   // queued while a write is in flight
  std::vector<uint8_t> inflight_;  // the buffer async_write is sending
  int64_t pendingSinceMs_ = 0;
  int64_t inflightSinceMs_ = 0;
  int64_t writeStartedMs_ = 0;
  bool writing_ = false;
};

}  // namespace rtcgate::net
