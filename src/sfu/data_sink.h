#pragma once
// DataMessage and DataSink: a stream's data channel messages — what its publisher sent on
// a data channel, fanned out by the stream to every sink (a WHEP player's data channel of
// the same label; later rooms, metadata and RTMP).

#include <array>
#include <optional>
#include <string>

#include "sfu/media_kind.h"
#include "transport/sctp/sender.h"
#include "wire/sctp/dcep.h"

namespace rtcgate::sfu {

// Where in the publisher's media a timed metadata message belongs: the newest RTP
// timestamp of each layer of its video (or audio, for a stream without video) when it
// arrived.
struct MediaStamp {
  static constexpr size_t kMaxLayers = 4;
  MediaKind kind = MediaKind::kVideo;
  std::array<std::optional<uint32_t>, kMaxLayers> layerTimestamps{};
};

struct DataMessage {
  std::string label;  // the publisher's channel label
  std::string protocol;
  wire::sctp::ChannelReliability reliability;
  bool binary = false;
  transport::sctp::MessageBytes bytes;  // shared by every sink, never copied
  std::optional<MediaStamp> stamp;       // timed metadata (the 'metadata' channel)
};

// The label of the channel whose messages are timed metadata.
inline constexpr std::string_view kMetadataLabel = "metadata";

class DataSink {
 public:
  virtual ~DataSink() = default;
  virtual void onStreamData(const DataMessage& message) = 0;
};

}  // namespace rtcgate::sfu
