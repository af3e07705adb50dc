#include "sfu/publisher_track.h"

#include <strings.h>

#include <algorithm>
#include <numeric>

namespace rtcgate::sfu {

namespace {

// Initial quality guess from common rid names, before bitrates are known.
int ridRankGuess(const std::string& rid) {
  static const char* kLow[] = {"l", "low", "q", "0", "lo"};
  static const char* kHigh[] = {"h", "high", "f", "2", "hi"};
  for (const char* n : kLow)
    if (rid == n) return 0;
  for (const char* n : kHigh)
    if (rid == n) return 2;
  return 1;
}

}  // namespace

PublisherTrack::PublisherTrack(MediaKind k, const wire::sdp::NegotiatedMedia& media)
    : kind(k), mid(media.mid), codec(media.codecs.empty() ? wire::sdp::NegotiatedCodec{} : media.codecs.front()) {
  if (kind == MediaKind::kVideo) videoCodec = videoCodecFromName(codec.name);
  if (videoCodec == VideoCodec::kVp8) frameCodec = media::MediaCodec::kVp8;
  if (videoCodec == VideoCodec::kH264) frameCodec = media::MediaCodec::kH264;
  if (kind == MediaKind::kAudio && strcasecmp(codec.name.c_str(), "opus") == 0) frameCodec = media::MediaCodec::kOpus;
  midExt = media.extensionId("urn:ietf:params:rtp-hdrext:sdes:mid").value_or(0);
  ridExt = media.extensionId("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id").value_or(0);
  repairedRidExt = media.extensionId("urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id").value_or(0);
  twccExt = media.extensionId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01")
                .value_or(0);
  if (!media.ridLayers.empty()) {
    simulcast = true;
    for (const auto& r : media.ridLayers)
      if (!r.paused) layers.emplace_back(r.rid, kind);
  }
  if (layers.empty()) {
    auto& l = layers.emplace_back("", kind);
    // Non-simulcast: the SSRCs may be announced (a=ssrc, FID group) or learned from mid.
    if (!media.remoteSsrcs.empty()) l.ssrc = media.remoteSsrcs.front().ssrc;
    for (const auto& [orig, rtx] : media.fidPairs)
      if (orig == l.ssrc) l.rtxSsrc = rtx;
    if (l.ssrc) l.stats.emplace(l.ssrc, codec.clockRate);
  }
  byQuality.resize(layers.size());
  std::iota(byQuality.begin(), byQuality.end(), 0);
  std::stable_sort(byQuality.begin(), byQuality.end(),
                   [&](int a, int b) { return ridRankGuess(layers[a].rid) < ridRankGuess(layers[b].rid); });
}

bool PublisherTrack::rerank() {
  const auto before = byQuality;
  const bool allSized = std::all_of(layers.begin(), layers.end(), [](const auto& l) { return l.pixels > 0; });
  const bool allRated = std::all_of(layers.begin(), layers.end(), [](const auto& l) { return l.bitrateBps > 0; });
  // Resolution is stable; bitrate can cross over briefly while an encoder ramps up.
  if (allSized) {
    std::stable_sort(byQuality.begin(), byQuality.end(),
                     [&](int a, int b) { return layers[a].pixels < layers[b].pixels; });
  } else if (allRated && layers.size() > 1) {
    std::stable_sort(byQuality.begin(), byQuality.end(),
                     [&](int a, int b) { return layers[a].bitrateBps < layers[b].bitrateBps; });
  }
  return byQuality != before;
}

}  // namespace rtcgate::sfu
