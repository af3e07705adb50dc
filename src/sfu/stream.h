#pragma once
// Stream: one named stream on a worker — at most one publisher and any number of
// subscribers, all on this worker, so fan-out takes no lock.

#include <string>
#include <vector>

#include "base/packet_buffer.h"
#include "sfu/media_kind.h"
#include "sfu/session_info.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::sfu {

class StreamSource;
class SubscriberSession;

// A media packet as the publisher received it, handed to every subscriber.
struct ForwardedPacket {
  MediaKind kind;
  int layer;                       // index into the publisher's layers of that track
  const wire::rtp::RtpPacketView& rtp;
  bool keyframeStart;
  int64_t receivedUs;
};

class Stream {
 public:
  explicit Stream(std::string name) : name_(std::move(name)) {}

  const std::string& name() const noexcept { return name_; }
  StreamSource* publisher() const noexcept { return publisher_; }
  const std::vector<SubscriberSession*>& subscribers() const noexcept { return subscribers_; }
  bool empty() const noexcept { return !publisher_ && subscribers_.empty(); }

  void setPublisher(StreamSource* p);
  void removePublisher(StreamSource* p);
  void addSubscriber(SubscriberSession* s);
  void removeSubscriber(SubscriberSession* s);

  // Fan-out of one packet to every subscriber (each makes its own copy).
  void forward(const ForwardedPacket& packet);
  // The publisher's layer order changed: subscribers re-pick their layer by quality.
  void onLayersReranked();
  // A subscriber needs a keyframe of `layer` (joining, switching, or lost sync).
  void requestKeyframe(MediaKind kind, int layer);

  StreamInfo info(unsigned worker) const;

  // Since when the stream has had subscribers but no publisher (0: it has one, or never
  // lost one). The router ends such a stream after a grace period.
  int64_t orphanedSinceUs() const noexcept { return orphanedSinceUs_; }
  void setOrphanedSinceUs(int64_t us) noexcept { orphanedSinceUs_ = us; }

 private:
  int64_t orphanedSinceUs_ = 0;
  std::string name_;
  StreamSource* publisher_ = nullptr;
  std::vector<SubscriberSession*> subscribers_;
};

}  // namespace rtcgate::sfu
