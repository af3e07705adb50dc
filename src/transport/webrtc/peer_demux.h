#pragma once
// PeerDemux: routes the datagrams of one shared UDP port (one per worker) to the peer they
// belong to — by 5-tuple once a path is known, and for a first STUN request by the local
// ufrag in its USERNAME (ICE-lite: the peer always speaks first).

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/drop_counters.h"
#include "base/packet_buffer.h"
#include "base/socket_address.h"

namespace rtcgate::transport::webrtc {

// What the demux hands datagrams to (a WebRtcTransport).
class DatagramSink {
 public:
  virtual ~DatagramSink() = default;
  virtual void onDatagram(PacketRef packet, const SocketAddress& from) = 0;
};

class PeerDemux {
 public:
  // Registers `sink` under its local ICE ufrag (unique per worker).
  void addUfrag(std::string_view ufrag, DatagramSink& sink);
  void removeUfrag(std::string_view ufrag);
  // Binds a remote address to `sink` (called when ICE validates a path from it).
  void bindAddress(const SocketAddress& remote, DatagramSink& sink);
  void unbindAddress(const SocketAddress& remote);
  // Forgets every ufrag and address of `sink` (on close).
  void removeSink(DatagramSink& sink);

  // Hands the datagram to its peer (true), or counts it as a drop (unknown source, bad STUN).
  bool route(PacketRef packet, const SocketAddress& from) noexcept;
  // Whether a peer is registered under this local ufrag (ICE-TCP vets a connection's first
  // request with it before the agent sees it).
  bool hasUfrag(std::string_view ufrag) const noexcept { return byUfrag_.find(ufrag) != byUfrag_.end(); }

  size_t addressCount() const noexcept { return byAddress_.size(); }
  size_t ufragCount() const noexcept { return byUfrag_.size(); }
  const DropCounters& drops() const noexcept { return drops_; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<SocketAddress, DatagramSink*, SocketAddressHash> byAddress_;
  std::unordered_map<std::string, DatagramSink*, StringHash, std::equal_to<>> byUfrag_;
  DropCounters drops_;
};

}  // namespace rtcgate::transport::webrtc
