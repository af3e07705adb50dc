#include "edge/flv_output.h"

#include "media/flv_metadata.h"

namespace rtcgate::edge {

namespace {

// FLV Annex E.4.3.1 / E.4.2.2: AVCPacketType / AACPacketType 0 is a sequence header.
bool isSequenceHeader(const media::FlvTag& tag) noexcept { return tag.body.size() >= 2 && tag.body[1] == 0; }

}  // namespace

void FlvOutput::restart() {
  muxer_.restart();
  metadataSent_ = false;
  firstFrameAtMs_ = -1;
  dropVideoToKeyframe_ = false;
  held_.clear();
  heldBytes_ = 0;
}

bool FlvOutput::push(const media::MediaFrame& frame, FlvTagOutput& out) {
  if (firstFrameAtMs_ < 0) firstFrameAtMs_ = clock_.nowMs();
  tags_.clear();
  if (!muxer_.push(frame, tags_).ok()) {
    ++framesDropped_;  // a codec RTMP cannot carry: the owner picked the wrong rendition
    return false;
  }
  if (!metadataSent_) {
    for (auto& t : tags_) {
      heldBytes_ += t.body.size();
      held_.push_back(std::move(t));
    }
    if (!maybeSendMetadata(out)) return true;
    for (const auto& t : held_) sendTag(t, out);
    held_.clear();
    heldBytes_ = 0;
    return true;
  }
  for (const auto& t : tags_) sendTag(t, out);
  return true;
}

// onMetaData goes first, once both tracks are known or the wait is over.
bool FlvOutput::maybeSendMetadata(FlvTagOutput& out) {
  const bool complete = muxer_.video().has_value() && muxer_.audio().has_value();
  const bool waited = clock_.nowMs() - firstFrameAtMs_ >= options_.metadataWaitMs;
  if (!complete && !waited && heldBytes_ < options_.maxQueuedBytes) return false;
  metadataSent_ = true;
  (void)out.sendFlvMetadata(media::buildFlvMetadata(muxer_.video(), muxer_.audio()));
  return true;
}

void FlvOutput::sendTag(const media::FlvTag& tag, FlvTagOutput& out) {
  if (dropForCongestion(tag, out)) {
    ++framesDropped_;
    return;
  }
  if (out.sendFlvTag(tag).ok() && !isSequenceHeader(tag)) ++framesSent_;
}

// A slow peer: past the queue limits, video is dropped up to the next keyframe that finds
// the queue drained; past twice the byte limit, audio goes too. Sequence headers always go
// (decoders need them, and they are tiny and rare).
bool FlvOutput::dropForCongestion(const media::FlvTag& tag, const FlvTagOutput& out) {
  if (isSequenceHeader(tag)) return false;
  const size_t queued = out.queuedBytes();
  const bool congested = queued > options_.maxQueuedBytes || out.queuedAgeMs() > options_.maxQueuedMs;
  if (!tag.video) return queued > 2 * options_.maxQueuedBytes;
  if (congested) {
    dropVideoToKeyframe_ = true;
  } else if (tag.keyframe) {
    dropVideoToKeyframe_ = false;
  }
  return dropVideoToKeyframe_;
}

}  // namespace rtcgate::edge
