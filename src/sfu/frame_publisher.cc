#include "sfu/frame_publisher.h"

#include "wire/rtp/rtp_packet_builder.h"

#include "base/byte_writer.h"
#include "base/random.h"
#include "media/opus_packetizer.h"
#include "sfu/stream.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::sfu {

FramePublisher::RtpTrack::RtpTrack(MediaKind k, uint32_t rate)
    : kind(k),
      ssrc(randomU32() | 1),
      seq(static_cast<uint16_t>(randomU32())),
      time(rate, randomU32()),
      history(k == MediaKind::kVideo ? 1024 : 256) {}

FramePublisher::FramePublisher(PeerHost& host, FramePublisherListener& listener, std::string id, std::string stream,
                               SessionKind kind, int64_t createdMs)
    : host_(host),
      listener_(listener),
      id_(std::move(id)),
      streamName_(std::move(stream)),
      kind_(kind),
      createdMs_(createdMs),
      video_(MediaKind::kVideo, 90'000),
      audio_(MediaKind::kAudio, 48'000) {}

FramePublisher::~FramePublisher() { detach(); }

void FramePublisher::detach() {
  if (sinking_ && stream_) stream_->removeFrameSink(this);
  sinking_ = false;
  stream_ = nullptr;
}

void FramePublisher::pushFrame(const std::shared_ptr<const media::MediaFrame>& frame, bool videoReorders) {
  ++framesIn_;
  bytesIn_ += frame->data.size();
  if (media::isVideo(frame->codec)) {
    haveVideo_ = true;
    videoCodec_ = frame->codec;
  } else {
    haveAudio_ = true;
    audioCodec_ = frame->codec;
  }
  if (stream_) stream_->onSourceFrame(frame, videoReorders);
}

void FramePublisher::onConsumerCountChanged(size_t count) {
  if (!stream_ || ended_) return;
  // RTP (and any transcode it needs) only while someone watches over WebRTC.
  if (count > 0 && !sinking_) {
    sinking_ = true;
    stream_->addFrameSink(this);
  } else if (count == 0 && sinking_) {
    sinking_ = false;
    stream_->removeFrameSink(this);
  }
}

void FramePublisher::endSource(std::string_view reason) {
  if (ended_) return;
  ended_ = true;
  listener_.onFramePublisherEnded(id_, reason);
}

int FramePublisher::layerCount(MediaKind kind) const {
  return (kind == MediaKind::kVideo ? haveVideo_ : haveAudio_) ? 1 : 0;
}

PacketRef FramePublisher::findPacket(MediaKind kind, int layer, uint16_t seq) const {
  if (layer != 0) return {};
  const RtpTrack& t = kind == MediaKind::kVideo ? video_ : audio_;
  return t.history.find(seq, host_.clock().nowUs());
}

void FramePublisher::requestKeyframe(MediaKind kind, int) {
  // A WebRTC player wants a keyframe: a transcode can make one now; a pass-through
  // source's next natural keyframe is the earliest there is.
  if (kind == MediaKind::kVideo && sinking_ && stream_) stream_->requestSinkKeyframe(this);
}

std::vector<TrackInfo> FramePublisher::trackInfo() const {
  std::vector<TrackInfo> out;
  if (haveAudio_) out.push_back({"audio", std::string(media::codecName(audioCodec_)), 0, {}});
  if (haveVideo_) out.push_back({"video", std::string(media::codecName(videoCodec_)), 0, {}});
  return out;
}

void FramePublisher::onFrame(const std::shared_ptr<const media::MediaFrame>& frame) {
  const int64_t now = host_.clock().nowUs();
  if (frame->codec == media::MediaCodec::kH264) packetizeVideo(*frame, now);
  else if (frame->codec == media::MediaCodec::kOpus) packetizeAudio(*frame, now);
}

void FramePublisher::packetizeVideo(const media::MediaFrame& frame, int64_t nowUs) {
  if (!h264_.setFrame(frame.data, frame.config).ok()) return drops_.count(DropReason::kBadRtp);
  const uint32_t ts = video_.time.toRtp(frame.ptsUs);
  bool first = true;
  while (h264_.hasNext()) {
    PacketRef p = host_.pool().acquire();
    if (!p) return drops_.count(DropReason::kPoolExhausted);
    auto payload = h264_.next(std::span<uint8_t>(p->data() + 12, p->tailCapacity() - 12 - 64));
    if (!payload.ok()) return drops_.count(DropReason::kOversize);
    emit(video_, std::move(p), payload->size, payload->marker, ts, first && frame.keyframe, nowUs);
    first = false;
  }
}

void FramePublisher::packetizeAudio(const media::MediaFrame& frame, int64_t nowUs) {
  PacketRef p = host_.pool().acquire();
  if (!p) return drops_.count(DropReason::kPoolExhausted);
  auto payload = media::OpusPacketizer::packetize(frame.data, std::span<uint8_t>(p->data() + 12, p->tailCapacity() - 76));
  if (!payload.ok()) return drops_.count(DropReason::kOversize);
  emit(audio_, std::move(p), payload->size, payload->marker, audio_.time.toRtp(frame.ptsUs), false, nowUs);
}

void FramePublisher::emit(RtpTrack& t, PacketRef p, size_t payloadSize, bool marker, uint32_t ts, bool keyframeStart,
                          int64_t nowUs) {
  // The source side of the stream: consumers rewrite the header to what their peer negotiated.
  const uint16_t seq = t.seq++;
  wire::rtp::RtpPacketBuilder header;
  header.setPayloadType(t.kind == MediaKind::kVideo ? kH264PayloadType : kOpusPayloadType)
      .setMarker(marker)
      .setSequenceNumber(seq)
      .setTimestamp(ts)
      .setSsrc(t.ssrc);
  if (!header.serializeTo(std::span<uint8_t>(p->data(), 12)).ok()) return drops_.count(DropReason::kOversize);
  p->size = static_cast<uint32_t>(12 + payloadSize);
  p->receivedUs = nowUs;
  auto view = wire::rtp::RtpPacketView::parse(p->span());
  if (!view.ok()) return drops_.count(DropReason::kBadRtp);
  ++packetsOut_;
  bytesOut_ += p->size;
  t.history.insert(seq, p, nowUs);
  if (stream_)
    stream_->forward({t.kind, 0, *view, keyframeStart, nowUs,
                      t.kind == MediaKind::kVideo ? media::MediaCodec::kH264 : media::MediaCodec::kOpus});
}

SessionInfo FramePublisher::info(unsigned worker) const {
  SessionInfo i;
  i.id = id_;
  i.kind = kind_;
  i.stream = streamName_;
  i.state = ended_ ? "closed" : "connected";
  i.worker = worker;
  i.createdMs = createdMs_;
  i.packetsIn = framesIn_;
  i.bytesIn = bytesIn_;
  i.packetsOut = packetsOut_;
  i.bytesOut = bytesOut_;
  return i;
}

void FramePublisher::pushTimedData(int64_t ptsUs, const std::shared_ptr<const std::vector<uint8_t>>& bytes) {
  if (!stream_ || ended_) return;
  MediaStamp stamp;
  if (haveVideo_) {
    stamp.kind = MediaKind::kVideo;
    stamp.layerTimestamps[0] = video_.time.toRtp(ptsUs);
  } else if (haveAudio_) {
    stamp.kind = MediaKind::kAudio;
    stamp.layerTimestamps[0] = audio_.time.toRtp(ptsUs);
  } else {
    return;  // no media sent yet: nothing to place it on
  }
  DataMessage m{std::string(kMetadataLabel), "", {}, false, bytes, stamp};
  stream_->forwardData(m);
}

}  // namespace rtcgate::sfu
