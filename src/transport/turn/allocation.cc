#include "transport/turn/allocation.h"

namespace rtcgate::transport::turn {
namespace {
SocketAddress ipOnly(SocketAddress a) noexcept {
  a.setPort(0);
  return a;
}
}  // namespace

bool Allocation::permit(const SocketAddress& peer, int64_t nowUs) noexcept {
  const SocketAddress ip = ipOnly(peer);
  Permission* free = nullptr;
  for (auto& p : permissions_) {
    if (p.expiresUs > nowUs && p.ip == ip) {
      p.expiresUs = nowUs + kPermissionLifetimeUs;
      return true;
    }
    if (p.expiresUs <= nowUs && free == nullptr) free = &p;
  }
  if (free == nullptr) return false;
  *free = Permission{ip, nowUs + kPermissionLifetimeUs};
  return true;
}

bool Allocation::permitted(const SocketAddress& peer, int64_t nowUs) const noexcept {
  const SocketAddress ip = ipOnly(peer);
  for (const auto& p : permissions_)
    if (p.expiresUs > nowUs && p.ip == ip) return true;
  return false;
}

bool Allocation::bindChannel(uint16_t number, const SocketAddress& peer, int64_t nowUs,
                             bool& conflict) noexcept {
  conflict = false;
  Channel* free = nullptr;
  for (auto& c : channels_) {
    const bool live = c.expiresUs > nowUs;
    if (live && c.number == number) {
      if (c.peer != peer) {
        conflict = true;  // §12.2: the channel is bound to another peer
        return false;
      }
      c.expiresUs = nowUs + kChannelLifetimeUs;
      return permit(peer, nowUs);
    }
    if (live && c.peer == peer) {
      conflict = true;  // the peer is bound to another channel
      return false;
    }
    if (!live && free == nullptr) free = &c;
  }
  if (free == nullptr) return false;
  if (!permit(peer, nowUs)) return false;
  *free = Channel{number, peer, nowUs + kChannelLifetimeUs};
  return true;
}

uint16_t Allocation::channelFor(const SocketAddress& peer, int64_t nowUs) const noexcept {
  for (const auto& c : channels_)
    if (c.expiresUs > nowUs && c.peer == peer) return c.number;
  return 0;
}

const SocketAddress* Allocation::peerOf(uint16_t number, int64_t nowUs) const noexcept {
  for (const auto& c : channels_)
    if (c.expiresUs > nowUs && c.number == number) return &c.peer;
  return nullptr;
}

}  // namespace rtcgate::transport::turn
