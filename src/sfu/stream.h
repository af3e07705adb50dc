#pragma once
// Stream: one named stream on a worker — the producers of one source (a WebRTC peer's
// tracks, an RTMP publisher's packetized frames), the RTP consumers that take them and the
// frame sinks fed through renditions, all on this worker, so fan-out takes no lock.

#include <memory>
#include <string>
#include <vector>

#include <optional>

#include "base/packet_buffer.h"
#include "media/media_frame.h"
#include "sfu/data_sink.h"
#include "sfu/frame_sink.h"
#include "sfu/frame_tap.h"
#include "sfu/media_kind.h"
#include "sfu/producer.h"
#include "sfu/renditions.h"
#include "sfu/rtp_consumer.h"
#include "sfu/session_info.h"
#include "sfu/stream_context.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::sfu {

class StreamSource;

class Stream final : public RenditionsListener, public ProducerSink {
 public:
  explicit Stream(std::string name, StreamContext context = {}) : name_(std::move(name)), context_(context) {}
  ~Stream() override;

  const std::string& name() const noexcept { return name_; }
  StreamSource* publisher() const noexcept { return publisher_; }
  const std::vector<RtpConsumer*>& consumers() const noexcept { return consumers_; }
  bool empty() const noexcept { return !publisher_ && consumers_.empty() && frameSinkCount() == 0; }

  void setPublisher(StreamSource* p);
  void removePublisher(StreamSource* p);
  void addConsumer(RtpConsumer* c);
  void removeConsumer(RtpConsumer* c);
  // Peers (or relays) with a consumer here.
  size_t subscriberCount() const;

  // Fan-out of one packet to every consumer of its kind (each makes its own copy), and to
  // the frame sinks through the tap when the source sends RTP.
  void forward(const ForwardedPacket& packet);
  // ProducerSink
  void onProducerPacket(const ForwardedPacket& packet) override { forward(packet); }
  void onProducerLayersReranked() override { onLayersReranked(); }

  // Data channel messages of the publisher, to every data sink (a sink may not add or
  // remove sinks from inside onStreamData).
  void addDataSink(DataSink* sink);
  void removeDataSink(DataSink* sink);
  void forwardData(const DataMessage& message);
  size_t dataSinkCount() const noexcept { return dataSinks_.size(); }

  // Frame sinks (RTMP players and pushes, the RTP output of a frame source). A sink must
  // not add or remove sinks from inside onFrame.
  void addFrameSink(FrameSink* sink);
  void removeFrameSink(FrameSink* sink);
  size_t frameSinkCount() const noexcept { return renditions_ ? renditions_->sinkCount() : 0; }
  // A frame from a frame source (an RTMP publisher); `videoReorders`: its H.264 may have
  // B-frames, so in-order sinks get a re-encode.
  void onSourceFrame(const std::shared_ptr<const media::MediaFrame>& frame, bool videoReorders);
  void requestSinkKeyframe(FrameSink* sink);
  // Tells every frame sink the stream is over and forgets them.
  void endFrameSinks(std::string_view reason);
  std::vector<std::string> renditionNames() const;
  RenditionCounters renditionCounters() const { return renditions_ ? renditions_->counters() : RenditionCounters{}; }
  size_t renditionsRunning() const noexcept { return renditions_ ? renditions_->running() : 0; }

  // RenditionsListener
  void onSourceKeyframeNeeded() override;
  // The publisher's layer order changed: consumers re-pick their layer by quality.
  void onLayersReranked();
  // A consumer needs a keyframe of `layer` (joining, switching, or lost sync).
  void requestKeyframe(MediaKind kind, int layer);

  StreamInfo info(unsigned worker) const;

  // Since when the stream has had consumers but no publisher (0: it has one, or never
  // lost one). The router ends such a stream after a grace period.
  int64_t orphanedSinceUs() const noexcept { return orphanedSinceUs_; }
  void setOrphanedSinceUs(int64_t us) noexcept { orphanedSinceUs_ = us; }

 private:
  int64_t orphanedSinceUs_ = 0;
  std::string name_;
  StreamContext context_;
  StreamSource* publisher_ = nullptr;
  std::vector<RtpConsumer*> consumers_;
  std::vector<DataSink*> dataSinks_;
  // Timed metadata waiting for the next frame to ride on to the frame sinks (bounded).
  static constexpr size_t kMaxPendingMetadata = 32;
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> pendingMetadata_;
  // Gives `frame` the pending metadata when it is the frame it belongs with.
  void attachMetadata(media::MediaFrame& frame);
  std::unique_ptr<Renditions> renditions_;  // made with the first frame sink
  std::unique_ptr<FrameTap> tap_;            // while frame sinks exist and the source sends RTP
  std::vector<media::MediaFrame> tapped_;    // reused by the tap
};

}  // namespace rtcgate::sfu
