#include "sfu/stream.h"

#include <algorithm>

#include "sfu/stream_source.h"

namespace rtcgate::sfu {

Stream::~Stream() = default;

void Stream::setPublisher(StreamSource* p) {
  publisher_ = p;
  orphanedSinceUs_ = 0;
  tap_.reset();  // a new source: its frames start over at a keyframe
  if (renditions_) renditions_->onSourceChanged();
  if (p) p->onConsumerCountChanged(consumers_.size());
  // Consumers that were waiting (or saw the previous publisher) continue seamlessly.
  for (auto* c : consumers_) c->onSourceChanged();
  if (frameSinkCount() && p && !p->producesFrames()) onSourceKeyframeNeeded();
}

void Stream::removePublisher(StreamSource* p) {
  if (publisher_ == p) publisher_ = nullptr;
}

void Stream::addConsumer(RtpConsumer* c) {
  consumers_.push_back(c);
  if (publisher_) publisher_->onConsumerCountChanged(consumers_.size());
}

void Stream::removeConsumer(RtpConsumer* c) {
  std::erase(consumers_, c);
  if (publisher_) publisher_->onConsumerCountChanged(consumers_.size());
}

void Stream::addDataSink(DataSink* sink) {
  if (std::find(dataSinks_.begin(), dataSinks_.end(), sink) == dataSinks_.end()) dataSinks_.push_back(sink);
}

void Stream::removeDataSink(DataSink* sink) { std::erase(dataSinks_, sink); }

void Stream::forwardData(const DataMessage& message) {
  for (DataSink* sink : dataSinks_) sink->onStreamData(message);
  // Timed metadata rides on the next frame to the frame sinks (RTMP players and pushes,
  // recordings), through their renditions.
  if (message.label == kMetadataLabel && frameSinkCount() > 0 && pendingMetadata_.size() < kMaxPendingMetadata)
    pendingMetadata_.push_back(message.bytes);
}

void Stream::attachMetadata(media::MediaFrame& frame) {
  if (pendingMetadata_.empty()) return;
  // On video when the source has video (the frame being received as it arrived), else on audio.
  const bool hasVideo = publisher_ && publisher_->layerCount(MediaKind::kVideo) > 0;
  if (hasVideo != media::isVideo(frame.codec)) return;
  frame.metadata.insert(frame.metadata.end(), pendingMetadata_.begin(), pendingMetadata_.end());
  pendingMetadata_.clear();
}

size_t Stream::subscriberCount() const {
  std::vector<const std::string*> owners;
  for (const auto* c : consumers_) {
    const std::string* id = &c->ownerId();
    if (std::none_of(owners.begin(), owners.end(), [&](const std::string* o) { return *o == *id; })) owners.push_back(id);
  }
  return owners.size();
}

void Stream::forward(const ForwardedPacket& packet) {
  for (auto* c : consumers_)
    if (c->kind() == packet.kind) c->onRtp(packet);
  if (!renditions_ || !renditions_->hasSinks() || !packet.codec || !publisher_ || publisher_->producesFrames()) return;
  if (!tap_) tap_ = std::make_unique<FrameTap>();
  tapped_.clear();
  tap_->onPacket(packet, publisher_->layerForQuality(MediaKind::kVideo, Quality::kHigh), publisher_, tapped_);
  for (auto& f : tapped_) {
    attachMetadata(f);
    renditions_->onSourceFrame(std::make_shared<const media::MediaFrame>(std::move(f)));
  }
  // Until the tap has a keyframe nothing reaches the sinks (PLIs are rate-limited upstream).
  if (packet.kind == MediaKind::kVideo && tap_->videoNeedsKeyframe()) onSourceKeyframeNeeded();
}

void Stream::addFrameSink(FrameSink* sink) {
  if (!renditions_)
    renditions_ = std::make_unique<Renditions>(context_.pool, context_.executor, *this, context_.encode);
  renditions_->addSink(sink);
  // A WebRTC source's next keyframe may be minutes away: ask for one now.
  if (publisher_ && !publisher_->producesFrames()) onSourceKeyframeNeeded();
}

void Stream::removeFrameSink(FrameSink* sink) {
  if (!renditions_) return;
  renditions_->removeSink(sink);
  if (!renditions_->hasSinks() && tap_) {
    // Untapped from now on: the GOP kept so far would be replayed stale, on the old tap's
    // clock, to the next sink. (A frame source keeps feeding it, so it stays current.)
    tap_.reset();
    renditions_->onSourceChanged();
  }
}

void Stream::onSourceFrame(const std::shared_ptr<const media::MediaFrame>& frame, bool videoReorders) {
  // Made before any sink exists, so the first one to join gets the current GOP at once.
  if (!renditions_)
    renditions_ = std::make_unique<Renditions>(context_.pool, context_.executor, *this, context_.encode);
  renditions_->setSourceVideoReorders(videoReorders);
  if (!pendingMetadata_.empty()) {
    auto copy = std::make_shared<media::MediaFrame>(*frame);
    attachMetadata(*copy);
    if (!copy->metadata.empty()) return renditions_->onSourceFrame(copy);
  }
  renditions_->onSourceFrame(frame);
}

void Stream::requestSinkKeyframe(FrameSink* sink) {
  if (renditions_) renditions_->requestKeyframe(sink);
}

void Stream::endFrameSinks(std::string_view reason) {
  if (renditions_) renditions_->endAll(reason);
  tap_.reset();
}

std::vector<std::string> Stream::renditionNames() const {
  return renditions_ ? renditions_->describe() : std::vector<std::string>{};
}

void Stream::onSourceKeyframeNeeded() {
  // A frame source (RTMP) cannot be asked; a WebRTC publisher gets a PLI for its best layer.
  if (publisher_ && !publisher_->producesFrames())
    publisher_->requestKeyframe(MediaKind::kVideo, publisher_->layerForQuality(MediaKind::kVideo, Quality::kHigh));
}

void Stream::onLayersReranked() {
  for (auto* c : consumers_) c->onLayersReranked();
}

void Stream::requestKeyframe(MediaKind kind, int layer) {
  if (publisher_) publisher_->requestKeyframe(kind, layer);
}

StreamInfo Stream::info(unsigned worker) const {
  StreamInfo i;
  i.name = name_;
  i.worker = worker;
  i.subscribers = static_cast<unsigned>(subscriberCount());
  i.frameSinks = static_cast<unsigned>(frameSinkCount());
  i.renditions = renditionNames();
  if (publisher_) {
    i.publisher = publisher_->sourceId();
    i.tracks = publisher_->trackInfo();
  }
  return i;
}

}  // namespace rtcgate::sfu
