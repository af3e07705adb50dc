#include "codec/video_encoder.h"

#include <algorithm>
#include <cmath>

extern "C" {
#include <libavutil/opt.h>
}

#include "media/annex_b.h"

namespace rtcgate::codec {

namespace {

// x264 for browsers: Constrained Baseline has no B-frames (WebRTC decoders expect decode
// order == presentation order), zerolatency drops lookahead and frame threads, and
// without a global header x264 repeats SPS/PPS in front of every IDR.
//
// Speed: "ultrafast" (about 5.4 ms per 720p frame here, VP8 decode included, so six
// transcodes per core) with deblocking turned back on, which ultrafast drops but costs
// little and keeps low bitrates from looking blocky. "veryfast" measured 9.8 ms.
void configureX264(AVCodecContext& ctx) {
  av_opt_set(ctx.priv_data, "preset", "ultrafast", 0);
  av_opt_set(ctx.priv_data, "tune", "zerolatency", 0);
  av_opt_set(ctx.priv_data, "profile", "baseline", 0);
  av_opt_set_int(ctx.priv_data, "forced-idr", 1, 0);
  // Keyframes come from our timer and from requests, not from scene cuts; deblock=0,0
  // enables the loop filter at its default strength.
  av_opt_set(ctx.priv_data, "x264-params", "scenecut=0:deblock=0,0", 0);
}

// libvpx in real time: fastest speed, no lag, and frames decodable after a loss.
void configureVpx(AVCodecContext& ctx) {
  av_opt_set(ctx.priv_data, "deadline", "realtime", 0);
  av_opt_set_int(ctx.priv_data, "cpu-used", 8, 0);
  av_opt_set_int(ctx.priv_data, "lag-in-frames", 0, 0);
  av_opt_set_int(ctx.priv_data, "error-resilient", 1, 0);
}

// Splits an x264 access unit into its NAL units, with 4-byte start codes (the form frames
// carry), and collects SPS and PPS.
void normalizeH264(std::span<const uint8_t> annexB, std::vector<uint8_t>& data,
                   std::vector<uint8_t>& parameterSets) {
  media::AnnexBReader reader(annexB);
  std::span<const uint8_t> nal;
  bool sawSps = false;
  while (reader.next(nal)) {
    const uint8_t type = media::nalType(nal[0]);
    if (type == media::kNalSps || type == media::kNalPps) {
      if (type == media::kNalSps && !sawSps) parameterSets.clear();
      sawSps = sawSps || type == media::kNalSps;
      media::appendNal(parameterSets, nal);
    }
    media::appendNal(data, nal);
  }
}

}  // namespace

int64_t defaultVideoBitrate(int width, int height) noexcept {
  return std::max<int64_t>(100'000, static_cast<int64_t>(width) * height * 30 / 10);
}

Result<std::unique_ptr<VideoEncoder>> VideoEncoder::create(const TranscodeSpec& spec, int width,
                                                           int height, double fps) {
  const char* name = spec.to == media::MediaCodec::kH264  ? "libx264"
                     : spec.to == media::MediaCodec::kVp8 ? "libvpx"
                                                          : nullptr;
  const AVCodec* enc = name == nullptr ? nullptr : avcodec_find_encoder_by_name(name);
  if (enc == nullptr) return Error::unsupported("no encoder for this video codec");
  CodecContextPtr ctx(avcodec_alloc_context3(enc));
  PacketPtr packet(av_packet_alloc());
  if (!ctx || !packet) return Error{Error::Code::kInternal, "out of memory"};
  const int rate = std::clamp(static_cast<int>(std::lround(fps)), 1, 120);
  const int64_t bitrate =
      spec.videoBitrateKbps > 0 ? int64_t{spec.videoBitrateKbps} * 1000 : defaultVideoBitrate(width, height);
  ctx->width = width;
  ctx->height = height;
  ctx->pix_fmt = AV_PIX_FMT_YUV420P;
  ctx->time_base = AVRational{1, 1'000'000};  // pts in µs, like the frames
  ctx->framerate = AVRational{rate, 1};
  // Keyframes are forced on time by the caller; this is only the encoder's backstop.
  ctx->gop_size = std::max(1, 2 * spec.keyframeIntervalMs * rate / 1000);
  ctx->max_b_frames = 0;
  ctx->bit_rate = bitrate;
  ctx->rc_max_rate = bitrate * 3 / 2;
  ctx->rc_buffer_size = static_cast<int>(bitrate);
  ctx->thread_count = 1;  // the pool supplies the parallelism
  if (spec.to == media::MediaCodec::kH264) {
    configureX264(*ctx);
  } else {
    configureVpx(*ctx);
  }
  if (avcodec_open2(ctx.get(), enc, nullptr) < 0) {
    return Error{Error::Code::kInternal, "cannot open the video encoder"};
  }
  return std::unique_ptr<VideoEncoder>(new VideoEncoder(spec.to, std::move(ctx), std::move(packet)));
}

VideoEncoder::VideoEncoder(media::MediaCodec codec, CodecContextPtr ctx, PacketPtr packet)
    : codec_(codec),
      ctx_(std::move(ctx)),
      packet_(std::move(packet)),
      width_(ctx_->width),
      height_(ctx_->height) {}

Status VideoEncoder::encode(AVFrame* picture, int64_t ptsUs, bool keyframe,
                            std::vector<media::MediaFrame>& out) {
  picture->pts = ptsUs;
  // A decoded picture keeps its source's type; only our decision may force an I-frame.
  picture->pict_type = keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  picture->key_frame = keyframe ? 1 : 0;
  if (avcodec_send_frame(ctx_.get(), picture) < 0) {
    return Error{Error::Code::kInternal, "the video encoder rejected a picture"};
  }
  for (;;) {
    const int rc = avcodec_receive_packet(ctx_.get(), packet_.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
    if (rc < 0) return Error{Error::Code::kInternal, "the video encoder failed"};
    appendPacket(out);
    av_packet_unref(packet_.get());
  }
}

void VideoEncoder::appendPacket(std::vector<media::MediaFrame>& out) {
  media::MediaFrame& f = out.emplace_back();
  f.codec = codec_;
  f.ptsUs = packet_->pts;
  f.dtsUs = packet_->pts;  // no B-frames: decode order is presentation order
  f.keyframe = (packet_->flags & AV_PKT_FLAG_KEY) != 0;
  const std::span<const uint8_t> bytes(packet_->data, static_cast<size_t>(packet_->size));
  if (codec_ != media::MediaCodec::kH264) {
    f.data.assign(bytes.begin(), bytes.end());
    return;
  }
  f.data.reserve(bytes.size() + 16);
  const size_t setsBefore = parameterSets_.size();
  std::vector<uint8_t> sets;
  normalizeH264(bytes, f.data, sets);
  if (!sets.empty()) {
    parameterSets_ = std::move(sets);
  } else if (f.keyframe && setsBefore > 0) {
    // Every IDR must be decodable alone: put the last SPS/PPS back in band.
    f.data.insert(f.data.begin(), parameterSets_.begin(), parameterSets_.end());
  }
  if (f.keyframe) f.config = parameterSets_;
}

}  // namespace rtcgate::codec
