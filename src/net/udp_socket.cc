#include "net/udp_socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rtcgate::net {

UdpSocket::UdpSocket(EventLoop& loop, PacketPool& pool, UdpSocketListener& listener)
    : loop_(loop), pool_(pool), listener_(listener), fd_(loop.context()) {}

UdpSocket::~UdpSocket() { close(); }

Status UdpSocket::open(const SocketAddress& local) {
  const int fd = ::socket(local.isIpv6() ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{Error::Code::kInternal, "socket() failed"};
  const int bufSize = 4 << 20;  // absorb bursts of a whole batch of peers
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufSize, sizeof bufSize);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufSize, sizeof bufSize);
  if (::bind(fd, local.sockaddrPtr(), local.sockaddrLen()) != 0) {
    ::close(fd);
    return Error{Error::Code::kInternal, "bind() failed (address in use or not local)"};
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  local_ = SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
  fd_.assign(fd);
  for (size_t i = 0; i < kBatch; ++i) refill(i);
  armRead();
  return {};
}

void UdpSocket::close() {
  if (fd_.is_open()) {
    flush();
    boost::system::error_code ec;
    fd_.close(ec);
  }
}

bool UdpSocket::refill(size_t slot) noexcept {
  rxBufs_[slot] = pool_.acquire();
  if (!rxBufs_[slot]) return false;
  rxIov_[slot].iov_base = rxBufs_[slot]->data();
  rxIov_[slot].iov_len = rxBufs_[slot]->tailCapacity();
  return true;
}

void UdpSocket::armRead() {
  fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;  // closed
    drain();
    armRead();
  });
}

void UdpSocket::drain() {
  for (int round = 0; round < 8; ++round) {  // bounded, so one busy socket cannot starve timers
    size_t slots = 0;
    for (; slots < kBatch; ++slots) {
      if (!rxBufs_[slots] && !refill(slots)) {
        ++stats_.poolExhausted;
        break;
      }
      rxMsgs_[slots].msg_hdr = {};
      rxMsgs_[slots].msg_hdr.msg_name = &rxAddrs_[slots];
      rxMsgs_[slots].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      rxMsgs_[slots].msg_hdr.msg_iov = &rxIov_[slots];
      rxMsgs_[slots].msg_hdr.msg_iovlen = 1;
    }
    if (slots == 0) return;
    const int n = ::recvmmsg(fd_.native_handle(), rxMsgs_.data(), static_cast<unsigned>(slots), MSG_DONTWAIT, nullptr);
    if (n <= 0) break;
    ++stats_.recvBatches;
    for (int i = 0; i < n; ++i) {
      PacketRef packet = std::move(rxBufs_[i]);
      packet->size = rxMsgs_[i].msg_len;
      const SocketAddress from = SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&rxAddrs_[i]),
                                                             rxMsgs_[i].msg_hdr.msg_namelen);
      ++stats_.packetsIn;
      stats_.bytesIn += packet->size;
      if (!(rxMsgs_[i].msg_hdr.msg_flags & MSG_TRUNC)) listener_.onDatagram(std::move(packet), from);
    }
    listener_.onReceiveBatchDone();
    if (static_cast<size_t>(n) < slots) break;
  }
  flush();
}

void UdpSocket::send(PacketRef packet, const SocketAddress& to) noexcept {
  if (!packet || !fd_.is_open()) return;
  if (txCount_ == kBatch) flush();
  txBufs_[txCount_] = std::move(packet);
  txAddrs_[txCount_] = to;
  ++txCount_;
  if (!flushPosted_) {
    flushPosted_ = true;
    loop_.post([this] {
      flushPosted_ = false;
      flush();
    });
  }
}

void UdpSocket::sendCopy(std::span<const uint8_t> bytes, const SocketAddress& to) noexcept {
  PacketRef p = pool_.copyOf(bytes);
  if (!p) {
    ++stats_.poolExhausted;
    return;
  }
  send(std::move(p), to);
}

void UdpSocket::flush() noexcept {
  size_t done = 0;
  while (done < txCount_) {
    const size_t n = txCount_ - done;
    for (size_t i = 0; i < n; ++i) {
      auto& b = txBufs_[done + i];
      txIov_[i].iov_base = b->data();
      txIov_[i].iov_len = b->size;
      txMsgs_[i].msg_hdr = {};
      txMsgs_[i].msg_hdr.msg_name = const_cast<sockaddr*>(txAddrs_[done + i].sockaddrPtr());
      txMsgs_[i].msg_hdr.msg_namelen = txAddrs_[done + i].sockaddrLen();
      txMsgs_[i].msg_hdr.msg_iov = &txIov_[i];
      txMsgs_[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = ::sendmmsg(fd_.native_handle(), txMsgs_.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
    ++stats_.sendBatches;
    if (sent <= 0) {
      // Full socket buffer or an unreachable peer: drop this datagram, keep the rest.
      ++stats_.sendErrors;
      ++done;
      continue;
    }
    for (int i = 0; i < sent; ++i) {
      ++stats_.packetsOut;
      stats_.bytesOut += txMsgs_[i].msg_len;
    }
    done += static_cast<size_t>(sent);
  }
  for (size_t i = 0; i < txCount_; ++i) txBufs_[i].reset();
  txCount_ = 0;
}

}  // namespace rtcgate::net
