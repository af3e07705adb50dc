#pragma once
// ReceiveBuffer: the receiving half of an SCTP association (RFC 9260 §6.2, §6.9, RFC 3758
// §3.6) — which TSNs arrived (for SACKs), reassembly of fragmented messages, ordered
// delivery per stream, FORWARD TSN and incoming stream resets. Its memory is bounded by
// the window it advertises; one message may not pass the largest message size.

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <vector>

#include "base/result.h"
#include "transport/sctp/tsn.h"
#include "wire/sctp/data_chunk.h"
#include "wire/sctp/forward_tsn_chunk.h"
#include "wire/sctp/sack_chunk.h"

namespace rtcgate::transport::sctp {

// One whole message.
struct ReceivedMessage {
  uint16_t streamId = 0;
  uint32_t ppid = 0;
  std::vector<uint8_t> payload;
};

class ReceiveBuffer {
 public:
  enum class Added { kNew, kDuplicate, kNoRoom };

  ReceiveBuffer(uint32_t peerInitialTsn, size_t window, size_t maxMessageSize);

  // A DATA chunk; an error when a message grows past the largest size (the peer broke
  // what we advertised).
  Result<Added> add(const wire::sctp::DataChunk& chunk);
  // Hands every message that is now complete and due (in SSN order per stream for ordered
  // ones) to `deliver`.
  void deliver(const std::function<void(ReceivedMessage&&)>& deliver);
  void forwardTsn(const wire::sctp::ForwardTsnChunk& chunk);
  // The peer reset its outgoing streams (RFC 6525 §5.2.2): their next SSN is 0.
  void resetStreams(std::span<const uint16_t> streams);

  uint32_t cumulativeTsn() const noexcept { return cumulativeTsn_; }
  bool hasGaps() const noexcept { return !above_.empty(); }
  wire::sctp::SackChunk sack() const noexcept;
  size_t bufferedBytes() const noexcept { return buffered_; }

 private:
  struct Fragment {
    uint32_t tsn;
    uint8_t flags;
    uint32_t ppid;
    std::vector<uint8_t> payload;
  };
  struct Stream {
    uint16_t nextSsn = 0;
    // Ordered messages by SSN; each by its fragments' TSNs.
    std::map<uint16_t, std::map<uint32_t, Fragment, TsnOrder>, SsnOrder> pending;
  };

  static bool complete(const std::map<uint32_t, Fragment, TsnOrder>& fragments) noexcept;
  void advanceCumulative();
  Status checkSize(const std::map<uint32_t, Fragment, TsnOrder>& fragments) const;
  void dropFragments(std::map<uint32_t, Fragment, TsnOrder>& fragments);
  void deliverUnordered(const std::function<void(ReceivedMessage&&)>& deliver);
  ReceivedMessage assemble(uint16_t streamId, std::map<uint32_t, Fragment, TsnOrder>& fragments);

  uint32_t cumulativeTsn_;
  size_t window_;
  size_t maxMessageSize_;
  size_t buffered_ = 0;
  std::map<uint32_t, bool, TsnOrder> above_;  // TSNs received past the cumulative one
  std::map<uint16_t, Stream> streams_;
  std::map<uint32_t, std::pair<uint16_t, Fragment>, TsnOrder> unordered_;  // by TSN
};

}  // namespace rtcgate::transport::sctp
