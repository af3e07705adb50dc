#pragma once
// DataMessage and DataSink: a stream's data channel messages — what its publisher sent on
// a data channel, fanned out by the stream to every sink (a WHEP player's data channel of
// the same label; later rooms, metadata and RTMP).

#include <string>

#include "transport/sctp/sender.h"
#include "wire/sctp/dcep.h"

namespace rtcgate::sfu {

struct DataMessage {
  std::string label;  // the publisher's channel label
  std::string protocol;
  wire::sctp::ChannelReliability reliability;
  bool binary = false;
  transport::sctp::MessageBytes bytes;  // shared by every sink, never copied
};

class DataSink {
 public:
  virtual ~DataSink() = default;
  virtual void onStreamData(const DataMessage& message) = 0;
};

}  // namespace rtcgate::sfu
