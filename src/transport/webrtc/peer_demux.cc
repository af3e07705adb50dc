#include "transport/webrtc/peer_demux.h"

#include "wire/stun/classify.h"

namespace rtcgate::transport::webrtc {

void PeerDemux::addUfrag(std::string_view ufrag, DatagramSink& sink) { byUfrag_[std::string(ufrag)] = &sink; }

void PeerDemux::removeUfrag(std::string_view ufrag) {
  if (auto it = byUfrag_.find(ufrag); it != byUfrag_.end()) byUfrag_.erase(it);
}

void PeerDemux::bindAddress(const SocketAddress& remote, DatagramSink& sink) { byAddress_[remote] = &sink; }

void PeerDemux::unbindAddress(const SocketAddress& remote) { byAddress_.erase(remote); }

void PeerDemux::removeSink(DatagramSink& sink) {
  std::erase_if(byAddress_, [&](const auto& kv) { return kv.second == &sink; });
  std::erase_if(byUfrag_, [&](const auto& kv) { return kv.second == &sink; });
}

bool PeerDemux::route(PacketRef packet, const SocketAddress& from) noexcept {
  if (auto it = byAddress_.find(from); it != byAddress_.end()) {
    it->second->onDatagram(std::move(packet), from);
    return true;
  }
  const auto bytes = packet->span();
  if (!wire::stun::looksLikeStun(bytes)) {
    drops_.count(DropReason::kUnknownSource);
    return false;
  }
  const std::string_view ufrag = wire::stun::recipientUfrag(bytes);
  if (ufrag.empty()) {
    drops_.count(DropReason::kBadStun);
    return false;
  }
  if (auto it = byUfrag_.find(ufrag); it != byUfrag_.end()) {
    // Not bound yet: the agent binds the address only once the request authenticates.
    it->second->onDatagram(std::move(packet), from);
    return true;
  }
  drops_.count(DropReason::kUnknownSource);
  return false;
}

}  // namespace rtcgate::transport::webrtc
