#pragma once
// Transport-wide congestion control feedback (RTPFB FMT=15,
// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/rtcp/feedback.h"

namespace rtcgate::wire::rtcp {

inline constexpr int64_t kTwccDeltaUnitUs = 250;        // receive delta tick
inline constexpr int64_t kTwccReferenceUnitUs = 64000;  // reference time tick

// One reported packet, as yielded by TransportFeedback::PacketIterator.
struct TwccPacketStatus {
  uint16_t seq = 0;
  bool received = false;
  int32_t deltaTicks = 0;  // 250 µs units, from the previous received packet (or reference)
  int64_t arrivalUs = 0;   // reference time + all deltas so far, when received
};

// A parsed transport-cc feedback packet: a view over the FCI of the parsed buffer.
class TransportFeedback {
 public:
  // Yields one status per reported sequence number, in order.
  class PacketIterator {
   public:
    explicit PacketIterator(const TransportFeedback& fb) noexcept;
    bool next(TwccPacketStatus& out) noexcept;

   private:
    const TransportFeedback& fb_;
    size_t chunk_ = 0;
    size_t inChunk_ = 0;
    size_t index_ = 0;
    size_t deltaPos_ = 0;
    int64_t ticks_ = 0;
  };

  // §3.1: header fields, then packet chunks covering `packet status count` statuses, then
  // one receive delta per received packet. Every length is checked here.
  static Result<TransportFeedback> parse(std::span<const uint8_t> packet) noexcept;

  uint32_t senderSsrc() const noexcept { return senderSsrc_; }
  uint32_t mediaSsrc() const noexcept { return mediaSsrc_; }
  uint16_t baseSequence() const noexcept { return baseSeq_; }
  uint16_t statusCount() const noexcept { return statusCount_; }
  int32_t referenceTime() const noexcept { return referenceTime_; }  // 64 ms units, signed 24-bit
  int64_t referenceTimeUs() const noexcept { return int64_t{referenceTime_} * kTwccReferenceUnitUs; }
  uint8_t feedbackCount() const noexcept { return fbCount_; }
  size_t receivedCount() const noexcept { return received_; }
  PacketIterator packets() const noexcept { return PacketIterator(*this); }

  // Re-emits the same feedback (chunks and deltas copied, padding normalised).
  size_t size() const noexcept;
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }

 private:
  std::span<const uint8_t> chunks_;  // 2 bytes each
  std::span<const uint8_t> deltas_;  // exactly the bytes the statuses call for
  uint32_t senderSsrc_ = 0;
  uint32_t mediaSsrc_ = 0;
  int32_t referenceTime_ = 0;
  uint16_t baseSeq_ = 0;
  uint16_t statusCount_ = 0;
  uint8_t fbCount_ = 0;
  size_t received_ = 0;
};

// Collects (seq, arrival) observations in sequence order and encodes them with the most
// compact chunk types (run-length for long runs, 1-bit vectors when every delta is small).
class TransportFeedbackBuilder {
 public:
  static constexpr size_t kMaxPackets = 1024;

  TransportFeedbackBuilder(uint32_t senderSsrc, uint32_t mediaSsrc, uint8_t fbCount) noexcept
      : senderSsrc_(senderSsrc), mediaSsrc_(mediaSsrc), fbCount_(fbCount) {}

  // `arrivalUs` empty means "not received". Sequence numbers skipped since the last call
  // are reported as not received. False (nothing changed) when seq is not newer, the
  // builder is full, or the delta does not fit 16 bits: send this one and start anew.
  bool add(uint16_t seq, std::optional<int64_t> arrivalUs) noexcept;

  bool empty() const noexcept { return count_ == 0; }
  size_t packetCount() const noexcept { return count_; }
  size_t size() const noexcept;
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }

 private:
  // Encodes the status chunks; counts them when `w` is null.
  size_t writeChunks(ByteWriter* w) const noexcept;
  size_t deltaBytes() const noexcept;

  std::array<uint8_t, kMaxPackets> status_{};
  std::array<int16_t, kMaxPackets> delta_{};
  uint32_t senderSsrc_;
  uint32_t mediaSsrc_;
  int64_t lastTicks_ = 0;
  int32_t referenceTime_ = 0;
  uint16_t baseSeq_ = 0;
  uint16_t count_ = 0;
  uint8_t fbCount_;
  bool haveReference_ = false;
};

}  // namespace rtcgate::wire::rtcp
