#pragma once
// Sender: the sending half of an SCTP association — user messages queued (bounded),
// fragmented into DATA chunks on the way out, kept until acknowledged and retransmitted
// on a timeout (T3-rtx) or after three miss reports (RFC 9260 §6.3, §7.2.4), congestion
// and peer window control (§7.2), and partial reliability: a message past its
// retransmission limit or lifetime is abandoned and skipped with FORWARD TSN (RFC 3758).

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "base/result.h"
#include "wire/sctp/data_chunk.h"
#include "wire/sctp/forward_tsn_chunk.h"
#include "wire/sctp/packet.h"
#include "wire/sctp/sack_chunk.h"

namespace rtcgate::transport::sctp {

using MessageBytes = std::shared_ptr<const std::vector<uint8_t>>;

// How one message is delivered.
struct SendOptions {
  bool ordered = true;
  std::optional<uint16_t> maxRetransmits;  // partial reliability: either of these
  std::optional<uint32_t> lifetimeMs;
};

struct SenderConfig {
  size_t mtu = 1200;                   // SCTP packet size
  size_t maxBufferedBytes = 4 << 20;   // queued and unacknowledged, all streams
  int64_t rtoInitialUs = 1'000'000;
  int64_t rtoMinUs = 200'000;
  int64_t rtoMaxUs = 10'000'000;
  int maxConsecutiveTimeouts = 10;     // then the peer is given up
};

class Sender {
 public:
  Sender(const SenderConfig& config, uint32_t initialTsn, uint32_t peerWindow, bool partialReliability);

  // Queues one message (its bytes shared, never copied); fails when the buffer is full.
  Status enqueue(uint16_t stream, uint32_t ppid, MessageBytes bytes, const SendOptions& options, int64_t nowUs);
  void onSack(const wire::sctp::SackChunk& sack, int64_t nowUs);
  // T3-rtx: true when the peer has failed too many times in a row.
  bool onTimer(int64_t nowUs);
  std::optional<int64_t> nextTimeoutUs() const noexcept { return t3Us_; }

  // Adds what may be sent now to `w` (FORWARD TSN, retransmissions, new data within the
  // congestion and peer windows); false when nothing was added.
  bool fill(wire::sctp::PacketWriter& w, int64_t nowUs);
  bool wantsToSend() const noexcept;

  // The TSN of the last chunk sent (for stream resets).
  uint32_t lastAssignedTsn() const noexcept { return nextTsn_ - 1; }
  // Whether messages of `stream` wait to be chunked (a stream reset waits for them).
  bool hasQueued(uint16_t stream) const noexcept;
  // Drops the messages of `stream` not started yet, and with partial reliability gives up
  // those in flight too (skipped with FORWARD TSN): a channel closed for overflowing.
  void discardStream(uint16_t stream);
  // Sends FORWARD TSN again when the peer has not caught up with it.
  void repeatForwardTsn() noexcept;
  // Outgoing streams are reset: their next SSN is 0.
  void resetStreams(const std::vector<uint16_t>& streams);
  // Bytes queued and unacknowledged on `stream` (for back-pressure) and in all.
  size_t bufferedBytes(uint16_t stream) const noexcept;
  size_t bufferedBytes() const noexcept { return buffered_; }
  bool idle() const noexcept { return queue_.empty() && outstanding_.empty(); }
  uint64_t abandonedMessages() const noexcept { return abandoned_; }
  uint64_t retransmissions() const noexcept { return retransmissions_; }
  size_t congestionWindow() const noexcept { return cwnd_; }

 private:
  struct Message {
    uint64_t id;
    uint16_t stream;
    uint32_t ppid;
    MessageBytes bytes;
    size_t offset = 0;  // bytes already put in chunks
    uint16_t ssn = 0;
    SendOptions options;
    int64_t expiresUs = 0;  // 0: never
  };
  struct Chunk {
    uint32_t tsn;
    uint64_t messageId;
    uint16_t stream;
    uint16_t ssn;
    uint32_t ppid;
    uint8_t flags;
    MessageBytes bytes;
    uint32_t offset, length;
    int64_t sentUs = 0;
    int64_t expiresUs = 0;
    std::optional<uint16_t> maxRetransmits;
    uint16_t transmissions = 0;
    uint8_t misses = 0;
    bool acked = false;      // gap-acknowledged
    bool abandoned = false;
    bool retransmit = false;
  };

  void updateRto(int64_t rttUs);
  bool expired(const Chunk& c, int64_t nowUs) const noexcept;
  void abandon(uint64_t messageId);
  void advanceAckPoint();
  void abandonExpiredQueued(int64_t nowUs);
  bool writeForwardTsn(wire::sctp::PacketWriter& w);
  bool writeChunk(wire::sctp::PacketWriter& w, Chunk& c, int64_t nowUs);
  size_t inFlight() const noexcept { return flightBytes_; }
  void release(const Chunk& c);

  SenderConfig config_;
  bool partialReliability_;
  uint32_t nextTsn_;
  uint32_t cumulativeAck_;  // the peer's cumulative TSN ack
  uint32_t advancedAckPoint_;
  bool forwardTsnDue_ = false;
  uint64_t nextMessageId_ = 1;
  std::deque<Message> queue_;      // not yet fully chunked
  std::deque<Chunk> outstanding_;  // sent, by TSN from cumulativeAck_ + 1
  std::map<uint16_t, uint16_t> nextSsn_;
  std::map<uint16_t, size_t> streamBytes_;
  size_t buffered_ = 0;
  size_t flightBytes_ = 0;
  size_t cwnd_;
  size_t ssthresh_;
  size_t partialBytesAcked_ = 0;
  size_t peerWindow_;
  bool fastRecovery_ = false;
  uint32_t fastRecoveryExit_ = 0;
  int64_t srttUs_ = 0, rttvarUs_ = 0, rtoUs_;
  std::optional<int64_t> t3Us_;
  int timeouts_ = 0;
  uint64_t abandoned_ = 0;
  uint64_t retransmissions_ = 0;
};

}  // namespace rtcgate::transport::sctp
