#include "sfu/stream.h"

#include <algorithm>

#include "sfu/stream_source.h"
#include "sfu/subscriber_session.h"

namespace rtcgate::sfu {

void Stream::setPublisher(StreamSource* p) {
  publisher_ = p;
  orphanedSinceUs_ = 0;
  // Subscribers that were waiting (or saw the previous publisher) continue seamlessly.
  for (auto* s : subscribers_) s->onPublisherChanged();
}

void Stream::removePublisher(StreamSource* p) {
  if (publisher_ == p) publisher_ = nullptr;
}

void Stream::addSubscriber(SubscriberSession* s) { subscribers_.push_back(s); }

void Stream::removeSubscriber(SubscriberSession* s) { std::erase(subscribers_, s); }

void Stream::forward(const ForwardedPacket& packet) {
  for (auto* s : subscribers_) s->sendMedia(packet);
}

void Stream::onLayersReranked() {
  for (auto* s : subscribers_) s->onLayersReranked();
}

void Stream::requestKeyframe(MediaKind kind, int layer) {
  if (publisher_) publisher_->requestKeyframe(kind, layer);
}

StreamInfo Stream::info(unsigned worker) const {
  StreamInfo i;
  i.name = name_;
  i.worker = worker;
  i.subscribers = static_cast<unsigned>(subscribers_.size());
  if (publisher_) {
    i.publisher = publisher_->sourceId();
    i.tracks = publisher_->trackInfo();
  }
  return i;
}

}  // namespace rtcgate::sfu
