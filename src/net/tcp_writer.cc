#include "net/tcp_writer.h"

#include <boost/asio/write.hpp>

namespace rtcgate::net {

void TcpWriter::write(std::span<const uint8_t> bytes, const std::shared_ptr<void>& owner) {
  if (bytes.empty()) return;
  if (pending_.empty()) pendingSinceMs_ = clock_.nowMs();
  pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  if (!writing_) flush(owner);
}

int64_t TcpWriter::queuedAgeMs() const noexcept {
  if (queuedBytes() == 0) return 0;
  return clock_.nowMs() - (inflight_.empty() ? pendingSinceMs_ : inflightSinceMs_);
}

void TcpWriter::flush(const std::shared_ptr<void>& owner) {
  if (pending_.empty() || !socket_.is_open()) return;
  inflight_.swap(pending_);
  pending_.clear();
  inflightSinceMs_ = pendingSinceMs_;
  writeStartedMs_ = clock_.nowMs();
  writing_ = true;
  auto done = [this, owner](const boost::system::error_code& ec, size_t n) {
    writing_ = false;
    inflight_.clear();
    if (written_) written_(ec, n);
    if (!ec) flush(owner);
  };
  if (through_) return through_(boost::asio::buffer(inflight_), std::move(done));
  boost::asio::async_write(socket_, boost::asio::buffer(inflight_), std::move(done));
}

}  // namespace rtcgate::net
