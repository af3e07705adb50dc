#include "transport/sctp/receive_buffer.h"

#include <algorithm>

namespace rtcgate::transport::sctp {

using wire::sctp::DataChunk;

ReceiveBuffer::ReceiveBuffer(uint32_t peerInitialTsn, size_t window, size_t maxMessageSize)
    : cumulativeTsn_(peerInitialTsn - 1), window_(window), maxMessageSize_(maxMessageSize) {}

Result<ReceiveBuffer::Added> ReceiveBuffer::add(const DataChunk& d) {
  if (tsnLessEq(d.tsn, cumulativeTsn_) || above_.count(d.tsn)) return Added::kDuplicate;
  // Past the window a chunk is dropped (the peer sends it again), except the one the
  // cumulative TSN waits for; a hard cap holds even for that one.
  const size_t after = buffered_ + d.payload.size();
  if ((after > window_ && d.tsn != cumulativeTsn_ + 1) || after > 2 * window_ + maxMessageSize_) return Added::kNoRoom;
  // So far ahead that it cannot be a TSN of the window we advertised: not kept.
  if (d.tsn - cumulativeTsn_ > 4 * window_ + 65536) return Added::kNoRoom;
  Fragment f{d.tsn, d.flags, d.ppid, std::vector<uint8_t>(d.payload.begin(), d.payload.end())};
  if (d.unordered()) {
    unordered_.emplace(d.tsn, std::make_pair(d.streamId, std::move(f)));
  } else {
    Stream& s = streams_[d.streamId];
    if (ssnLess(d.ssn, s.nextSsn)) {
      // A message already delivered or skipped: only its TSN counts.
      above_.emplace(d.tsn, true);
      advanceCumulative();
      return Added::kDuplicate;
    }
    auto& fragments = s.pending[d.ssn];
    fragments.emplace(d.tsn, std::move(f));
    if (auto st = checkSize(fragments); !st.ok()) return st.error();
  }
  buffered_ += d.payload.size();
  above_.emplace(d.tsn, true);
  advanceCumulative();
  return Added::kNew;
}

Status ReceiveBuffer::checkSize(const std::map<uint32_t, Fragment, TsnOrder>& fragments) const {
  size_t total = 0;
  for (const auto& [tsn, f] : fragments) total += f.payload.size();
  if (total > maxMessageSize_) return Error::malformed("a message larger than the advertised max-message-size");
  return {};
}

void ReceiveBuffer::advanceCumulative() {
  while (!above_.empty() && above_.begin()->first == cumulativeTsn_ + 1) {
    ++cumulativeTsn_;
    above_.erase(above_.begin());
  }
}

bool ReceiveBuffer::complete(const std::map<uint32_t, Fragment, TsnOrder>& fragments) noexcept {
  if (fragments.empty()) return false;
  if (!(fragments.begin()->second.flags & DataChunk::kBeginning)) return false;
  if (!(fragments.rbegin()->second.flags & DataChunk::kEnding)) return false;
  uint32_t expect = fragments.begin()->first;
  for (const auto& [tsn, f] : fragments) {
    if (tsn != expect++) return false;
  }
  return true;
}

ReceivedMessage ReceiveBuffer::assemble(uint16_t streamId, std::map<uint32_t, Fragment, TsnOrder>& fragments) {
  ReceivedMessage m;
  m.streamId = streamId;
  m.ppid = fragments.begin()->second.ppid;
  size_t total = 0;
  for (const auto& [tsn, f] : fragments) total += f.payload.size();
  if (fragments.size() == 1) {
    m.payload = std::move(fragments.begin()->second.payload);
  } else {
    m.payload.reserve(total);
    for (const auto& [tsn, f] : fragments) m.payload.insert(m.payload.end(), f.payload.begin(), f.payload.end());
  }
  buffered_ -= std::min(buffered_, total);
  fragments.clear();
  return m;
}

void ReceiveBuffer::deliver(const std::function<void(ReceivedMessage&&)>& deliver) {
  for (auto& [id, s] : streams_) {
    while (!s.pending.empty() && s.pending.begin()->first == s.nextSsn && complete(s.pending.begin()->second)) {
      deliver(assemble(id, s.pending.begin()->second));
      s.pending.erase(s.pending.begin());
      ++s.nextSsn;
    }
  }
  deliverUnordered(deliver);
}

void ReceiveBuffer::deliverUnordered(const std::function<void(ReceivedMessage&&)>& deliver) {
  // Runs of consecutive TSNs from a B fragment to an E fragment, on one stream.
  auto it = unordered_.begin();
  while (it != unordered_.end()) {
    if (!(it->second.second.flags & DataChunk::kBeginning)) {
      ++it;
      continue;
    }
    auto end = it;
    bool whole = false;
    while (true) {
      if (end->second.second.flags & DataChunk::kEnding) {
        whole = true;
        break;
      }
      auto next = std::next(end);
      if (next == unordered_.end() || next->first != end->first + 1 || next->second.first != it->second.first ||
          (next->second.second.flags & DataChunk::kBeginning))
        break;
      end = next;
    }
    if (!whole) {
      it = std::next(end);
      continue;
    }
    std::map<uint32_t, Fragment, TsnOrder> fragments;
    const uint16_t streamId = it->second.first;
    const auto stop = std::next(end);
    for (auto f = it; f != stop; ++f) fragments.emplace(f->first, std::move(f->second.second));
    it = unordered_.erase(it, stop);
    deliver(assemble(streamId, fragments));
  }
  // Fragments of unordered messages that can no longer complete (their start was
  // abandoned) are dropped once the cumulative TSN passed them.
  for (auto f = unordered_.begin(); f != unordered_.end() && tsnLessEq(f->first, cumulativeTsn_);) {
    if (f->second.second.flags & DataChunk::kBeginning) break;
    buffered_ -= std::min(buffered_, f->second.second.payload.size());
    f = unordered_.erase(f);
  }
}

void ReceiveBuffer::dropFragments(std::map<uint32_t, Fragment, TsnOrder>& fragments) {
  for (const auto& [tsn, f] : fragments) buffered_ -= std::min(buffered_, f.payload.size());
  fragments.clear();
}

void ReceiveBuffer::forwardTsn(const wire::sctp::ForwardTsnChunk& chunk) {
  // RFC 3758 §3.6: everything up to the new cumulative TSN is treated as received.
  if (tsnLess(cumulativeTsn_, chunk.newCumulativeTsn)) {
    cumulativeTsn_ = chunk.newCumulativeTsn;
    while (!above_.empty() && tsnLessEq(above_.begin()->first, cumulativeTsn_)) above_.erase(above_.begin());
    advanceCumulative();
  }
  for (auto f = unordered_.begin(); f != unordered_.end() && tsnLessEq(f->first, cumulativeTsn_);) {
    buffered_ -= std::min(buffered_, f->second.second.payload.size());
    f = unordered_.erase(f);
  }
  for (const auto& skipped : chunk.skipped()) {
    Stream& s = streams_[skipped.streamId];
    // Every message up to the skipped SSN is given up; later ones wait their turn.
    while (!s.pending.empty() && !ssnLess(skipped.ssn, s.pending.begin()->first)) {
      dropFragments(s.pending.begin()->second);
      s.pending.erase(s.pending.begin());
    }
    if (!ssnLess(skipped.ssn, s.nextSsn)) s.nextSsn = static_cast<uint16_t>(skipped.ssn + 1);
  }
}

void ReceiveBuffer::resetStreams(std::span<const uint16_t> streams) {
  const auto reset = [&](Stream& s) {
    for (auto& [ssn, fragments] : s.pending) dropFragments(fragments);
    s.pending.clear();
    s.nextSsn = 0;
  };
  if (streams.empty()) {
    for (auto& [id, s] : streams_) reset(s);
    return;
  }
  for (uint16_t id : streams) {
    auto it = streams_.find(id);
    if (it != streams_.end()) reset(it->second);
  }
}

wire::sctp::SackChunk ReceiveBuffer::sack() const noexcept {
  wire::sctp::SackChunk s;
  s.cumulativeTsnAck = cumulativeTsn_;
  s.advertisedWindow = static_cast<uint32_t>(window_ > buffered_ ? window_ - buffered_ : 0);
  // Runs of consecutive TSNs past the cumulative one, as offsets from it.
  for (auto it = above_.begin(); it != above_.end() && s.gapCount < s.gaps.size();) {
    const uint32_t start = it->first;
    uint32_t end = start;
    for (++it; it != above_.end() && it->first == end + 1; ++it) ++end;
    const uint32_t a = start - cumulativeTsn_, b = end - cumulativeTsn_;
    if (b > 0xFFFF) break;
    s.gaps[s.gapCount++] = {static_cast<uint16_t>(a), static_cast<uint16_t>(b)};
  }
  return s;
}

}  // namespace rtcgate::transport::sctp
