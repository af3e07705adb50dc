#pragma once
// NackGenerator: decides which lost packets of one incoming stream to NACK, and when
// (RFC 4585 §6.2.1 generic NACK, sent by the gateway to a publisher).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/seq_num.h"

namespace rtcgate::media {

// Tunables; the defaults follow common browser behaviour.
struct NackConfig {
  size_t maxMissing = 1000;         // longer lists are cleared and a keyframe requested
  int maxRetries = 10;              // NACKs per lost packet before giving up on it
  int64_t maxAgeUs = 1'000'000;     // a packet lost longer ago than this is given up
  int64_t minRetryUs = 20'000;      // retries are spaced by max(rtt, this)
  int64_t reorderDelayUs = 10'000;  // a gap younger than this may still be reordering...
  uint16_t reorderPackets = 3;      // ...unless this many newer packets already arrived
};

// Counters for stats and tests.
struct NackCounters {
  uint64_t missingDetected = 0;
  uint64_t recovered = 0;      // missing packets that arrived later (late or via RTX)
  uint64_t nacksSent = 0;      // sequence numbers handed out by collect()
  uint64_t givenUp = 0;        // dropped after maxRetries or maxAge
  uint64_t listOverflows = 0;  // times the list was cleared for a keyframe instead
};

// Tracks gaps in one stream's sequence numbers and hands out the ones to NACK now. Driven
// by explicit times; the missing list is allocated once, at construction.
class NackGenerator {
 public:
  // What an arriving packet turned out to be.
  enum class Arrival : uint8_t { kNew, kRecovered, kOld };

  explicit NackGenerator(const NackConfig& config = {});

  // `keyframe`: first packet of a keyframe; losses before it no longer matter.
  Arrival onPacket(uint16_t seq, bool keyframe, int64_t nowUs) noexcept;
  // Fills `out` with the sequence numbers to NACK now, oldest first; returns how many.
  size_t collect(int64_t nowUs, std::span<uint16_t> out) noexcept;
  void setRttMs(int64_t rttMs) noexcept { rttUs_ = rttMs * 1000; }

  // True once after the missing list overflowed: the caller should send a PLI instead.
  bool takeKeyframeRequest() noexcept {
    const bool r = keyframeRequest_;
    keyframeRequest_ = false;
    return r;
  }
  size_t missingCount() const noexcept { return missing_.size(); }
  const NackCounters& counters() const noexcept { return counters_; }

 private:
  struct Entry {
    int64_t seq;  // unwrapped
    int64_t detectedUs;
    int64_t lastSentUs;  // meaningful once retries > 0
    int retries;
  };

  void addGap(int64_t from, int64_t to, int64_t nowUs) noexcept;
  bool recover(int64_t seq) noexcept;
  void dropBefore(int64_t seq) noexcept;
  bool expired(const Entry& e, int64_t nowUs) const noexcept;
  bool ready(const Entry& e, int64_t nowUs) const noexcept;

  NackConfig config_;
  SeqUnwrapper unwrapper_;
  std::vector<Entry> missing_;  // sorted by seq; capacity reserved up front
  NackCounters counters_;
  int64_t highest_ = 0;
  int64_t rttUs_ = 0;
  bool started_ = false;
  bool keyframeRequest_ = false;
};

}  // namespace rtcgate::media
