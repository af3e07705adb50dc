#include "media/twcc_recorder.h"

#include <optional>

#include "base/byte_writer.h"
#include "wire/rtcp/transport_feedback.h"

namespace rtcgate::media {

// Moves the highest seq to `seq`, marking the seqs in between not (yet) received and
// forgetting unreported ones that fall out of the window.
void TwccRecorder::advanceTo(int64_t seq) noexcept {
  const int64_t from =
      seq - highest_ > static_cast<int64_t>(kWindow) ? seq - static_cast<int64_t>(kWindow) : highest_;
  for (int64_t s = from + 1; s <= seq; ++s) slot(s) = kNotReceived;
  highest_ = seq;
  if (highest_ - next_ >= static_cast<int64_t>(kWindow)) next_ = highest_ - static_cast<int64_t>(kWindow) + 1;
}

void TwccRecorder::onPacket(uint16_t twccSeq, int64_t arrivalUs) noexcept {
  ++counters_.packets;
  const int64_t seq = unwrapper_.unwrap(twccSeq);
  if (!started_) {
    started_ = true;
    next_ = seq;
    highest_ = seq;
    slot(seq) = arrivalUs;
    return;
  }
  if (seq > highest_) {
    advanceTo(seq);
  } else if (seq < next_) {
    ++counters_.lateArrivals;  // already reported as lost; the sender has moved on
    return;
  }
  slot(seq) = arrivalUs;
}

size_t TwccRecorder::buildFeedback(uint32_t senderSsrc, uint32_t mediaSsrc, int64_t nowUs,
                                   std::span<uint8_t> out) noexcept {
  lastFeedbackUs_ = nowUs;
  size_t written = 0;
  while (hasPending()) {
    wire::rtcp::TransportFeedbackBuilder builder(senderSsrc, mediaSsrc, fbCount_);
    int64_t seq = next_;
    for (; seq <= highest_; ++seq) {
      const int64_t at = slot(seq);
      const std::optional<int64_t> arrival = at == kNotReceived ? std::nullopt : std::optional<int64_t>(at);
      // A builder refuses a packet when full or when the delta overflows: send it as is.
      if (!builder.add(static_cast<uint16_t>(seq), arrival)) break;
    }
    if (builder.empty()) {
      ++next_;  // unreportable on its own (cannot happen with a fresh builder); skip it
      continue;
    }
    if (builder.size() > out.size() - written) break;  // keep the rest for next time
    ByteWriter w(out.subspan(written));
    if (!builder.serializeTo(w)) break;
    written += w.size();
    next_ = seq;
    ++fbCount_;
    ++counters_.feedbackPackets;
  }
  return written;
}

}  // namespace rtcgate::media
