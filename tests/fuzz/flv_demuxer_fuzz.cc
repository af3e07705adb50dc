// Fuzz target: the FLV demuxer on a sequence of arbitrary tag bodies, so sequence headers
// and the coded frames that depend on them meet in one demuxer.
//
// Input: records of [selector][length][length body bytes]. selector bit 0: audio (1) or
// video (0); bits 1-7: the timestamp step in milliseconds (steps past 100 go back).
// Every frame out must be well formed for its codec: H.264 as Annex B with a 4-byte start
// code and the SPS/PPS on keyframes, AAC with its AudioSpecificConfig.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/flv_demuxer.h"

using rtcgate::media::FlvDemuxer;
using rtcgate::media::MediaCodec;
using rtcgate::media::MediaFrame;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool startsWithStartCode(const std::vector<uint8_t>& b) {
  return b.size() > 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 1;
}

void checkFrame(const MediaFrame& f, const FlvDemuxer& d) {
  check(!f.data.empty());
  if (f.codec == MediaCodec::kH264) {
    check(startsWithStartCode(f.data));
    check(!f.keyframe || startsWithStartCode(f.config));
  }
  if (f.codec == MediaCodec::kAac) check(!f.config.empty());
  if (rtcgate::media::isVideo(f.codec)) {
    check(d.video() && d.video()->codec == f.codec);
    check(f.ptsUs != f.dtsUs ? d.video()->reorders : true);
  } else {
    check(d.audio() && d.audio()->codec == f.codec && f.ptsUs == f.dtsUs);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FlvDemuxer d;
  std::vector<MediaFrame> frames;
  uint32_t ts = 0;
  for (size_t pos = 0; pos + 2 <= size;) {
    const uint8_t selector = data[pos];
    const size_t len = std::min<size_t>(data[pos + 1], size - pos - 2);
    // Each body in its own buffer, so a read past its end is caught under ASan.
    const std::vector<uint8_t> body(data + pos + 2, data + pos + 2 + len);
    pos += 2 + len;
    const uint32_t step = selector >> 1;
    ts = step > 100 ? ts - (step - 100) : ts + step;
    frames.clear();
    auto status = (selector & 1) ? d.pushAudio(ts, body, frames) : d.pushVideo(ts, body, frames);
    check(frames.size() <= 1);
    check(status.ok() || frames.empty());
    for (const auto& f : frames) checkFrame(f, d);
  }
  return 0;
}
