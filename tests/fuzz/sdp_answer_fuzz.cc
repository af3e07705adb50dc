// Fuzzes the answer reader against one fixed subscriber offer: arbitrary answer text must be
// read or refused cleanly, and what is read must only describe sections we offered.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "wire/sdp/answer_reader.h"
#include "wire/sdp/offer_builder.h"

using rtcgate::wire::sdp::AnswerReader;
using rtcgate::wire::sdp::Direction;
using rtcgate::wire::sdp::LocalStream;
using rtcgate::wire::sdp::NegotiatedMedia;
using rtcgate::wire::sdp::Offer;
using rtcgate::wire::sdp::OfferBuilder;
using rtcgate::wire::sdp::OfferOptions;
using rtcgate::wire::sdp::OfferSlot;

namespace {

// Audio and video sent on mids 0 and 1, a free video m-line on mid 2 (as in the corpus).
Offer makeOffer() {
  OfferOptions o;
  o.iceUfrag = "fuzz";
  o.icePwd = "0123456789abcdefghijklmn";
  o.fingerprint = "AA:BB";
  o.sessionId = 1;
  o.candidates = {{"127.0.0.1", 5000, "udp"}};
  std::vector<OfferSlot> slots = {{"0", "audio", LocalStream{1, 0, "c", "s", "a"}, {}},
                                  {"1", "video", LocalStream{2, 3, "c", "s", "v"}, {}},
                                  {"2", "video", std::nullopt, {}}};
  auto offer = OfferBuilder(o).build(slots, 1);
  if (!offer.ok()) std::abort();
  return std::move(offer.value());
}

bool offeredMid(const std::vector<NegotiatedMedia>& offered, const std::string& mid) {
  return std::any_of(offered.begin(), offered.end(), [&](const NegotiatedMedia& m) { return m.mid == mid; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Offer offer = makeOffer();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto session = AnswerReader(offer.media).read(text);
  if (!session.ok()) {
    if (session.error().reason.empty()) std::abort();
    return 0;
  }
  if (session->media.empty() || session->media.size() > offer.media.size()) std::abort();
  for (const auto& m : session->media) {
    if (!offeredMid(offer.media, m.mid)) std::abort();
    bool sending = m.direction == Direction::kSendOnly;
    if (sending && (m.codecs.empty() || !m.local)) std::abort();
    if (!sending && (m.direction != Direction::kInactive || m.local)) std::abort();
  }
  for (const auto& mid : session->bundleMids)
    if (!offeredMid(offer.media, mid)) std::abort();
  return 0;
}
