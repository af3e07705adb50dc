#include "transport/sctp/sender.h"

#include <algorithm>

#include "transport/sctp/tsn.h"

namespace rtcgate::transport::sctp {

using wire::sctp::DataChunk;

namespace {

// DATA chunk header plus the worst padding: what a fragment adds to its payload.
constexpr size_t kDataOverhead = DataChunk::kHeaderSize + 3;

}  // namespace

Sender::Sender(const SenderConfig& config, uint32_t initialTsn, uint32_t peerWindow, bool partialReliability)
    : config_(config),
      partialReliability_(partialReliability),
      nextTsn_(initialTsn),
      cumulativeAck_(initialTsn - 1),
      advancedAckPoint_(initialTsn - 1),
      // RFC 9260 §7.2.1: min(4 MTU, max(2 MTU, 4380)); ssthresh from the peer's window.
      cwnd_(std::min(4 * config.mtu, std::max<size_t>(2 * config.mtu, 4380))),
      ssthresh_(std::max<size_t>(peerWindow, 4 * config.mtu)),
      peerWindow_(peerWindow),
      rtoUs_(config.rtoInitialUs) {}

Status Sender::enqueue(uint16_t stream, uint32_t ppid, MessageBytes bytes, const SendOptions& options, int64_t nowUs) {
  if (!bytes || bytes->empty()) return Error::malformed("an SCTP message needs at least one byte");
  if (buffered_ + bytes->size() > config_.maxBufferedBytes) return Error::noSpace("send buffer full");
  Message m{nextMessageId_++, stream, ppid, std::move(bytes)};
  m.options = options;
  if (!partialReliability_) m.options.maxRetransmits.reset(), m.options.lifetimeMs.reset();
  if (m.options.lifetimeMs) m.expiresUs = nowUs + int64_t{*m.options.lifetimeMs} * 1000;
  buffered_ += m.bytes->size();
  streamBytes_[stream] += m.bytes->size();
  queue_.push_back(std::move(m));
  return {};
}

size_t Sender::bufferedBytes(uint16_t stream) const noexcept {
  auto it = streamBytes_.find(stream);
  return it == streamBytes_.end() ? 0 : it->second;
}

void Sender::release(const Chunk& c) {
  buffered_ -= std::min<size_t>(buffered_, c.length);
  auto& s = streamBytes_[c.stream];
  s -= std::min<size_t>(s, c.length);
}

bool Sender::hasQueued(uint16_t stream) const noexcept {
  return std::any_of(queue_.begin(), queue_.end(), [&](const Message& m) { return m.stream == stream; });
}

void Sender::discardStream(uint16_t stream) {
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->stream != stream || it->offset > 0) {
      ++it;
      continue;
    }
    const size_t n = it->bytes->size();
    buffered_ -= std::min(buffered_, n);
    auto& s = streamBytes_[stream];
    s -= std::min(s, n);
    it = queue_.erase(it);
  }
  if (!partialReliability_) return;
  std::vector<uint64_t> messages;
  for (const Chunk& c : outstanding_)
    if (c.stream == stream && !c.abandoned) messages.push_back(c.messageId);
  for (const Message& m : queue_)
    if (m.stream == stream) messages.push_back(m.id);
  for (uint64_t id : messages) abandon(id);
}

void Sender::repeatForwardTsn() noexcept {
  if (partialReliability_ && tsnLess(cumulativeAck_, advancedAckPoint_)) forwardTsnDue_ = true;
}

void Sender::resetStreams(const std::vector<uint16_t>& streams) {
  if (streams.empty()) nextSsn_.clear();
  for (uint16_t s : streams) nextSsn_.erase(s);
}

bool Sender::expired(const Chunk& c, int64_t nowUs) const noexcept {
  if (!partialReliability_) return false;
  if (c.maxRetransmits && c.transmissions > *c.maxRetransmits) return true;
  return c.expiresUs != 0 && nowUs >= c.expiresUs;
}

void Sender::abandon(uint64_t messageId) {
  bool any = false;
  for (Chunk& c : outstanding_) {
    if (c.messageId != messageId || c.abandoned) continue;
    c.abandoned = true;
    c.retransmit = false;
    any = true;
  }
  // What of it was not chunked yet is never sent.
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->id != messageId) continue;
    const size_t rest = it->bytes->size() - it->offset;
    buffered_ -= std::min(buffered_, rest);
    auto& s = streamBytes_[it->stream];
    s -= std::min(s, rest);
    queue_.erase(it);
    break;
  }
  if (any) ++abandoned_;
  advanceAckPoint();
}

void Sender::advanceAckPoint() {
  // RFC 3758 §3.5 C1-C3: the advanced ack point moves over abandoned chunks, after each
  // abandonment and each SACK.
  if (tsnLess(advancedAckPoint_, cumulativeAck_)) advancedAckPoint_ = cumulativeAck_;
  for (const Chunk& c : outstanding_) {
    if (!tsnLess(advancedAckPoint_, c.tsn)) continue;
    if (!c.abandoned) break;
    advancedAckPoint_ = c.tsn;
  }
  if (tsnLess(cumulativeAck_, advancedAckPoint_)) forwardTsnDue_ = true;
}

void Sender::abandonExpiredQueued(int64_t nowUs) {
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->expiresUs == 0 || nowUs < it->expiresUs) {
      ++it;
      continue;
    }
    if (it->offset > 0) {
      abandon(it->id);  // removes it from the queue
      it = queue_.begin();
      continue;
    }
    const size_t n = it->bytes->size();
    buffered_ -= std::min(buffered_, n);
    auto& s = streamBytes_[it->stream];
    s -= std::min(s, n);
    ++abandoned_;
    it = queue_.erase(it);  // it took no SSN yet: nothing waits for it
  }
}

void Sender::updateRto(int64_t rttUs) {
  // RFC 9260 §6.3.1.
  if (srttUs_ == 0) {
    srttUs_ = rttUs;
    rttvarUs_ = rttUs / 2;
  } else {
    rttvarUs_ = (3 * rttvarUs_ + std::llabs(srttUs_ - rttUs)) / 4;
    srttUs_ = (7 * srttUs_ + rttUs) / 8;
  }
  rtoUs_ = std::clamp(srttUs_ + 4 * rttvarUs_, config_.rtoMinUs, config_.rtoMaxUs);
}

void Sender::onSack(const wire::sctp::SackChunk& sack, int64_t nowUs) {
  if (tsnLess(sack.cumulativeTsnAck, cumulativeAck_)) return;  // an old SACK
  if (tsnLessEq(nextTsn_, sack.cumulativeTsnAck)) return;      // acks what we never sent
  const bool advanced = tsnLess(cumulativeAck_, sack.cumulativeTsnAck);
  size_t bytesAcked = 0;
  std::optional<int64_t> rtt;
  while (!outstanding_.empty() && tsnLessEq(outstanding_.front().tsn, sack.cumulativeTsnAck)) {
    const Chunk& c = outstanding_.front();
    if (!c.acked && !c.abandoned) bytesAcked += c.length;
    if (c.transmissions == 1 && !c.acked && !c.abandoned) rtt = nowUs - c.sentUs;  // Karn's rule
    release(c);
    outstanding_.pop_front();
  }
  cumulativeAck_ = sack.cumulativeTsnAck;
  if (tsnLess(advancedAckPoint_, cumulativeAck_)) advancedAckPoint_ = cumulativeAck_;

  uint32_t highestGapAcked = cumulativeAck_;
  for (const auto& gap : sack.gapBlocks()) {
    for (uint32_t off = gap.start; off <= gap.end; ++off) {
      const uint32_t index = off - 1;
      if (index >= outstanding_.size()) break;
      Chunk& c = outstanding_[index];
      if (!c.acked && !c.abandoned) {
        bytesAcked += c.length;
        if (c.transmissions == 1) rtt = nowUs - c.sentUs;
      }
      c.acked = true;
      c.retransmit = false;
      highestGapAcked = c.tsn;
    }
  }
  // RFC 9260 §7.2.4: chunks below the highest gap-acked TSN are missing once more; the
  // third report retransmits them (fast retransmit), entering fast recovery once.
  for (Chunk& c : outstanding_) {
    if (!tsnLess(c.tsn, highestGapAcked)) break;
    if (c.acked || c.abandoned || c.retransmit) continue;
    if (++c.misses < 3) continue;
    c.misses = 0;
    c.retransmit = true;
    if (expired(c, nowUs)) {
      abandon(c.messageId);
      continue;
    }
    if (!fastRecovery_) {
      ssthresh_ = std::max(cwnd_ / 2, 4 * config_.mtu);
      cwnd_ = ssthresh_;
      partialBytesAcked_ = 0;
      fastRecovery_ = true;
      fastRecoveryExit_ = nextTsn_ - 1;
    }
  }
  if (fastRecovery_ && tsnLessEq(fastRecoveryExit_, cumulativeAck_)) fastRecovery_ = false;
  if (advanced && !fastRecovery_ && flightBytes_ + config_.mtu >= cwnd_) {
    if (cwnd_ <= ssthresh_) {
      cwnd_ += std::min(bytesAcked, config_.mtu);
    } else if ((partialBytesAcked_ += bytesAcked) >= cwnd_) {
      partialBytesAcked_ -= cwnd_;
      cwnd_ += config_.mtu;
    }
  }
  if (rtt) updateRto(*rtt);
  peerWindow_ = sack.advertisedWindow;
  flightBytes_ = 0;
  bool unacked = false;
  for (const Chunk& c : outstanding_) {
    if (c.acked || c.abandoned) continue;
    unacked = true;
    if (!c.retransmit) flightBytes_ += c.length;
  }
  advanceAckPoint();
  if (advanced) timeouts_ = 0;
  if (!unacked && !tsnLess(cumulativeAck_, advancedAckPoint_)) t3Us_.reset();
  else if (advanced) t3Us_ = nowUs + rtoUs_;
}

bool Sender::onTimer(int64_t nowUs) {
  if (!t3Us_ || nowUs < *t3Us_) return false;
  // RFC 9260 §6.3.3: back off, collapse the window, send everything outstanding again.
  if (++timeouts_ > config_.maxConsecutiveTimeouts) return true;
  ssthresh_ = std::max(cwnd_ / 2, 4 * config_.mtu);
  cwnd_ = config_.mtu;
  partialBytesAcked_ = 0;
  fastRecovery_ = false;
  rtoUs_ = std::min(rtoUs_ * 2, config_.rtoMaxUs);
  std::vector<uint64_t> expiredMessages;
  for (Chunk& c : outstanding_) {
    if (c.acked || c.abandoned) continue;
    c.retransmit = true;
    if (expired(c, nowUs)) expiredMessages.push_back(c.messageId);
  }
  for (uint64_t id : expiredMessages) abandon(id);
  flightBytes_ = 0;
  if (tsnLess(cumulativeAck_, advancedAckPoint_)) forwardTsnDue_ = true;
  t3Us_ = nowUs + rtoUs_;
  return false;
}

bool Sender::wantsToSend() const noexcept {
  if (forwardTsnDue_) return true;
  for (const Chunk& c : outstanding_)
    if (c.retransmit) return true;
  return !queue_.empty();
}

bool Sender::writeForwardTsn(wire::sctp::PacketWriter& w) {
  wire::sctp::ForwardTsnChunk f;
  f.newCumulativeTsn = advancedAckPoint_;
  std::map<uint16_t, uint16_t> lastSsn;
  for (const Chunk& c : outstanding_) {
    if (tsnLess(advancedAckPoint_, c.tsn)) break;
    if (!(c.flags & DataChunk::kUnordered)) lastSsn[c.stream] = c.ssn;
  }
  for (const auto& [stream, ssn] : lastSsn) {
    if (f.streamCount == f.streams.size()) break;
    f.streams[f.streamCount++] = {stream, ssn};
  }
  if (w.room() < 4 + 4 * f.streamCount) return false;
  forwardTsnDue_ = false;
  return f.writeTo(w);
}

bool Sender::writeChunk(wire::sctp::PacketWriter& w, Chunk& c, int64_t nowUs) {
  if (w.room() < DataChunk::kHeaderSize - 4 + c.length) return false;
  DataChunk d;
  d.tsn = c.tsn;
  d.streamId = c.stream;
  d.ssn = c.ssn;
  d.ppid = c.ppid;
  d.flags = c.flags;
  d.payload = std::span<const uint8_t>(c.bytes->data() + c.offset, c.length);
  if (!d.writeTo(w)) return false;
  c.sentUs = nowUs;
  ++c.transmissions;
  flightBytes_ += c.length;
  return true;
}

bool Sender::fill(wire::sctp::PacketWriter& w, int64_t nowUs) {
  bool added = false;
  abandonExpiredQueued(nowUs);
  if (forwardTsnDue_ && partialReliability_) added |= writeForwardTsn(w);
  for (Chunk& c : outstanding_) {
    if (!c.retransmit || c.acked || c.abandoned) continue;
    if (flightBytes_ > 0 && flightBytes_ + c.length > cwnd_) break;
    if (!writeChunk(w, c, nowUs)) return added;
    c.retransmit = false;
    ++retransmissions_;
    added = true;
  }
  const size_t maxFragment = config_.mtu - wire::sctp::kCommonHeaderSize - kDataOverhead;
  while (!queue_.empty()) {
    if (flightBytes_ > 0 && (flightBytes_ >= cwnd_ || flightBytes_ >= peerWindow_)) break;
    const size_t room = w.room();
    if (room < DataChunk::kHeaderSize - 4 + 1) break;
    Message& m = queue_.front();
    const size_t left = m.bytes->size() - m.offset;
    const size_t length = std::min({left, maxFragment, room - (DataChunk::kHeaderSize - 4)});
    // A small tail of room is left for the next packet rather than cut into tiny fragments.
    if (length < left && length < 256 && !w.empty()) break;
    // The SSN is taken with the first fragment, so a message dropped before it is sent
    // leaves no hole in its stream's order.
    if (m.offset == 0 && m.options.ordered) m.ssn = nextSsn_[m.stream]++;
    Chunk c{nextTsn_++, m.id, m.stream, m.ssn, m.ppid, 0, m.bytes, static_cast<uint32_t>(m.offset),
            static_cast<uint32_t>(length)};
    if (m.offset == 0) c.flags |= DataChunk::kBeginning;
    if (length == left) c.flags |= DataChunk::kEnding;
    if (!m.options.ordered) c.flags |= DataChunk::kUnordered;
    c.expiresUs = m.expiresUs;
    c.maxRetransmits = m.options.maxRetransmits;
    m.offset += length;
    outstanding_.push_back(std::move(c));
    writeChunk(w, outstanding_.back(), nowUs);
    added = true;
    if (m.offset == m.bytes->size()) queue_.pop_front();
  }
  if (added && !t3Us_) t3Us_ = nowUs + rtoUs_;
  return added;
}

}  // namespace rtcgate::transport::sctp
