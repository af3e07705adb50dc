// The Router's relays between nodes (docs/CLUSTER.md): links to other nodes' workers, the
// streams sent over them and the streams received over them.
#include "sfu/router.h"

namespace rtcgate::sfu {

namespace {

// A link that carries no relay for this long is closed (both ends do so).
constexpr int64_t kIdleLinkUs = 30'000'000;

}  // namespace

Status Router::addRelayLink(RelayLinkSpec spec) {
  if (links_.count(spec.id)) return Error::state("duplicate relay link id");
  auto link = std::make_unique<RelayLink>(host_, std::move(spec), static_cast<RelayLinkListener&>(*this));
  RTCGATE_TRY(link->start());
  const std::string id = link->spec().id;
  links_.emplace(id, std::move(link));
  return {};
}

void Router::closeRelayLink(const std::string& id, std::string_view reason) {
  if (auto it = links_.find(id); it != links_.end()) it->second->close(reason);  // reports through onRelayLinkEnded
}

Result<std::vector<RelayTrack>> Router::addRelaySender(const std::string& id, const std::string& streamName,
                                                       const std::string& linkId, const std::string& toNode,
                                                       const std::vector<wire::sdp::NegotiatedMedia>& published) {
  if (relaySenders_.count(id) || sessions_.count(id)) return Error::state("duplicate session id");
  auto link = links_.find(linkId);
  if (link == links_.end()) return Error::state("no such relay link (closed meanwhile)");
  auto st = streams_.find(streamName);
  if (st == streams_.end() || !st->second->publisher()) return Error{Error::Code::kNotFound, "stream not published here"};
  auto channel = link->second->openChannel({});
  if (!channel) return Error::state("relay link refused a channel");
  auto sender = std::make_unique<RelaySender>(id, toNode, host_, std::move(channel), counters_);
  sender->setListener(this);
  auto tracks = sender->attach(*st->second, published);
  if (tracks.empty()) return Error::state("the stream has no track to relay");
  relaySenders_.emplace(id, std::move(sender));
  idleLinksSinceUs_.erase(linkId);
  return tracks;
}

Status Router::addRelayReceiver(SessionSpec spec, const std::string& linkId, const std::vector<RelayTrack>& tracks) {
  if (sessions_.count(spec.id)) return Error::state("duplicate session id");
  auto link = links_.find(linkId);
  if (link == links_.end()) return Error{Error::Code::kNotFound, "no such relay link"};
  Stream& stream = streamFor(spec.stream);
  if (stream.publisher()) {
    eraseIfEmpty(spec.stream);
    return Error::state("stream already has a source here");
  }
  std::vector<uint32_t> ssrcs;
  spec.negotiated.media.clear();
  for (const auto& t : tracks) {
    spec.negotiated.media.push_back(relayedMedia(t));
    for (const auto& l : t.layers) ssrcs.push_back(l.ssrc);
  }
  const std::string name = spec.stream;
  auto channel = link->second->openChannel(ssrcs);
  if (!channel) {
    eraseIfEmpty(name);
    return Error::state("relay SSRCs already in use on the link");
  }
  auto peer = std::make_unique<Peer>(host_, std::move(spec), SessionKind::kRelayIn, counters_);
  channel->setListener(peer.get());
  channel->setDataHandler([p = peer.get()](DataMessage&& m) { p->onRelayedData(std::move(m)); });
  if (Status s = peer->start(std::move(channel)); !s.ok()) {
    eraseIfEmpty(name);
    return s;
  }
  peer->attach(&stream);
  stream.setPublisher(peer.get());
  const std::string id = peer->id();
  sessions_.emplace(id, std::move(peer));
  idleLinksSinceUs_.erase(linkId);
  return {};
}

void Router::tickRelays(int64_t nowUs) {
  linkGraveyard_.clear();
  relayGraveyard_.clear();
  // A tick may end a link (consent expired), which leaves links_: walk a snapshot.
  std::vector<RelayLink*> links;
  for (auto& [id, link] : links_) links.push_back(link.get());
  for (RelayLink* link : links) {
    const std::string id = link->id();
    link->onTick(nowUs);
    if (!links_.count(id)) continue;
    if (link->channelCount() > 0) {
      idleLinksSinceUs_.erase(id);
      continue;
    }
    auto [it, fresh] = idleLinksSinceUs_.try_emplace(id, nowUs);
    if (!fresh && nowUs - it->second > kIdleLinkUs) link->close("idle");
  }
  std::vector<RelaySender*> senders;
  for (auto& [id, r] : relaySenders_) senders.push_back(r.get());
  for (RelaySender* r : senders) r->onTick(nowUs);
}

void Router::endRelaySenders(const std::string& stream, bool streamEnded, std::string_view reason) {
  std::vector<RelaySender*> senders;
  for (auto& [id, r] : relaySenders_)
    if (r->streamName() == stream) senders.push_back(r.get());
  for (RelaySender* r : senders) r->close(streamEnded, reason);
}

void Router::onRelaySenderEnded(RelaySender& sender, std::string_view reason) {
  auto it = relaySenders_.find(sender.id());
  if (it == relaySenders_.end()) return;
  const std::string name = sender.streamName();
  host_.onRelayEnded(sender.id(), reason);
  relayGraveyard_.push_back(std::move(it->second));
  relaySenders_.erase(it);
  eraseIfEmpty(name);
}

void Router::onRelayLinkEnded(const std::string& id, std::string_view reason) {
  auto it = links_.find(id);
  if (it == links_.end()) return;
  // Destroyed on the next tick: its channels (and the relays on them) end with it then.
  host_.onRelayLinkEnded(id, reason);
  linkGraveyard_.push_back(std::move(it->second));
  links_.erase(it);
  idleLinksSinceUs_.erase(id);
}

}  // namespace rtcgate::sfu
