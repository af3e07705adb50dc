#include "codec/video_transcoder.h"

#include <algorithm>
#include <cmath>

#include "media/annex_b.h"
#include "media/h264_sei.h"

namespace rtcgate::codec {

namespace {

constexpr double kDefaultFps = 30.0;
constexpr int64_t kDefaultFrameUs = 33'333;

bool isYuv420(int format) {
  return format == AV_PIX_FMT_YUV420P || format == AV_PIX_FMT_YUVJ420P;
}

}  // namespace

Result<std::unique_ptr<VideoTranscoder>> VideoTranscoder::create(const TranscodeSpec& spec) {
  std::vector<media::MediaCodec> codecs{spec.to};
  codecs.insert(codecs.end(), spec.alsoTo.begin(), spec.alsoTo.end());
  for (const auto to : codecs) {
    if (to != media::MediaCodec::kH264 && to != media::MediaCodec::kVp8)
      return Error::unsupported("video output must be H.264 or VP8");
    if (avcodec_find_encoder_by_name(to == media::MediaCodec::kH264 ? "libx264" : "libvpx") == nullptr)
      return Error::unsupported("the video encoder is not built in");
  }
  auto decoder = VideoDecoder::create(spec.from);
  if (!decoder.ok()) return decoder.error();
  return std::unique_ptr<VideoTranscoder>(new VideoTranscoder(spec, std::move(decoder.value())));
}

VideoTranscoder::VideoTranscoder(const TranscodeSpec& spec, std::unique_ptr<VideoDecoder> decoder)
    : spec_(spec), decoder_(std::move(decoder)) {
  outputs_.push_back({spec.to, nullptr});
  for (const auto to : spec.alsoTo)
    if (std::none_of(outputs_.begin(), outputs_.end(), [&](const Output& o) { return o.codec == to; }))
      outputs_.push_back({to, nullptr});
}

Status VideoTranscoder::push(const media::MediaFrame& in, std::vector<media::MediaFrame>& out) {
  if (in.codec != spec_.from) return Error::malformed("frame of another codec");
  if ((waitForKeyframe_ || in.afterLoss) && !in.keyframe) {
    waitForKeyframe_ = true;
    ++skipped_;
    return {};
  }
  waitForKeyframe_ = false;
  if (!in.metadata.empty() && metadata_.size() < 64) metadata_.insert(metadata_.end(), in.metadata.begin(), in.metadata.end());
  const size_t before = out.size();
  const Status sent = decoder_->send(in);
  // Drain even after a rejected frame: earlier ones may have become ready.
  while (AVFrame* picture = decoder_->receive()) {
    ++decoded_;
    RTCGATE_TRY(encodePicture(picture, out));
  }
  // Metadata keeps its place: on the first frame encoded after its own arrived (the
  // encoders run without delay, so that is the frame made from it).
  if (!metadata_.empty() && out.size() > before) {
    // The first frame of each codec made (one per output).
    std::vector<media::MediaCodec> given;
    for (size_t i = before; i < out.size(); ++i) {
      if (std::find(given.begin(), given.end(), out[i].codec) != given.end()) continue;
      given.push_back(out[i].codec);
      out[i].metadata.insert(out[i].metadata.end(), metadata_.begin(), metadata_.end());
      if (spec_.seiMetadata && out[i].codec == media::MediaCodec::kH264) addSei(out[i]);
    }
    metadata_.clear();
  }
  return sent;
}

void VideoTranscoder::addSei(media::MediaFrame& frame) {
  std::vector<uint8_t> data;
  for (const auto& m : frame.metadata) {
    const auto nal = media::writeSeiUserData(media::kRtcgateSeiUuid, *m);
    if (!nal.empty()) media::appendNal(data, nal);
  }
  if (data.empty()) return;
  // H.264 7.4.1.2.3: SEI comes before the first slice of its access unit, after SPS/PPS;
  // x264 output starts with those (or a slice), so the SEI goes before the first slice.
  media::AnnexBReader nals(frame.data);
  std::span<const uint8_t> nal;
  size_t at = frame.data.size();
  while (nals.next(nal)) {
    const uint8_t type = media::nalType(nal[0]);
    if (type == 1 || type == media::kNalIdr) {
      // Back over its start code: the 01 right before it and the zeros before that.
      at = static_cast<size_t>(nal.data() - frame.data.data());
      if (at > 0 && frame.data[at - 1] == 1) --at;
      while (at > 0 && frame.data[at - 1] == 0) --at;
      break;
    }
  }
  frame.data.insert(frame.data.begin() + static_cast<std::ptrdiff_t>(at), data.begin(), data.end());
}

// The picture's presentation time in µs, strictly after the previous one (encoders
// refuse time going backwards; a source may repeat or lose timestamps).
int64_t VideoTranscoder::pictureTime(const AVFrame& picture) {
  int64_t pts = picture.best_effort_timestamp;
  if (pts == AV_NOPTS_VALUE) pts = picture.pts;
  if (lastPtsUs_ == INT64_MIN) return pts == AV_NOPTS_VALUE ? 0 : pts;
  if (pts == AV_NOPTS_VALUE) pts = lastPtsUs_ + kDefaultFrameUs;
  const int64_t delta = pts - lastPtsUs_;
  if (delta > 0 && delta < 1'000'000) {
    frameIntervalUs_ = frameIntervalUs_ == 0 ? static_cast<double>(delta)
                                             : 0.9 * frameIntervalUs_ + 0.1 * static_cast<double>(delta);
  }
  // At least a millisecond on: RTMP carries milliseconds, and two frames in one would clash.
  return std::max(pts, lastPtsUs_ + 1000);
}

Status VideoTranscoder::ensureEncoder(Output& o, int width, int height) {
  if (o.encoder && o.encoder->width() == width && o.encoder->height() == height) return {};
  const double fps = frameIntervalUs_ > 0 ? 1e6 / frameIntervalUs_ : kDefaultFps;
  o.encoder.reset();  // a new size: a new encoder, whose first frame is a keyframe
  TranscodeSpec spec = spec_;
  spec.to = o.codec;
  auto encoder = VideoEncoder::create(spec, width, height, fps);
  if (!encoder.ok()) return Error{Error::Code::kInternal, encoder.error().message};
  o.encoder = std::move(encoder.value());
  return {};
}

// A WebRTC source's frame times carry its capture jitter (33 ± 5 ms at 30 fps). RTMP players
// and HLS segmenters take the rate the SPS announces and put each frame in a slot of it;
// two frames in one slot is an error to them. So output times snap to the nearest free
// slot of the encoder's rate (A/V move by less than a frame); a source faster than that
// rate is followed as it is, never run more than a frame ahead of.
int64_t VideoTranscoder::onGrid(int64_t ptsUs) {
  const auto slotTime = [this](int64_t slot) { return gridBaseUs_ + std::llround(slot * (1e6 / kDefaultFps)); };
  int64_t out = ptsUs;
  if (gridBaseUs_ == INT64_MIN || ptsUs < gridBaseUs_) {
    gridBaseUs_ = ptsUs;
    gridSlot_ = 0;
  } else {
    int64_t slot = std::llround(static_cast<double>(ptsUs - gridBaseUs_) * kDefaultFps / 1e6);
    if (slot <= gridSlot_) slot = gridSlot_ + 1;
    const int64_t grid = slotTime(slot);
    if (grid - ptsUs > kDefaultFrameUs) {
      // Faster than the grid: this frame keeps its own time and anchors the grid anew.
      gridBaseUs_ = ptsUs;
      slot = 0;
    } else if (std::abs(grid - ptsUs) > 2'000) {
      out = grid;  // a source already on the grid keeps its exact times
    }
    gridSlot_ = slot;
  }
  if (lastOutUs_ != INT64_MIN) out = std::max(out, lastOutUs_ + 1000);
  lastOutUs_ = out;
  return out;
}

Status VideoTranscoder::encodePicture(AVFrame* picture, std::vector<media::MediaFrame>& out) {
  if (picture->width <= 0 || picture->height <= 0) return Error::malformed("empty picture");
  const int64_t rawUs = pictureTime(*picture);
  const int64_t ptsUs = onGrid(rawUs);
  chooseOutputSize(picture->width, picture->height, rawUs);
  AVFrame* yuv = toOutput(picture);
  if (yuv == nullptr) return Error{Error::Code::kInternal, "cannot convert the picture"};
  for (auto& o : outputs_) RTCGATE_TRY(encodeFor(o, yuv, ptsUs, out));
  lastPtsUs_ = rawUs;
  return {};
}

Status VideoTranscoder::encodeFor(Output& o, AVFrame* yuv, int64_t ptsUs, std::vector<media::MediaFrame>& out) {
  RTCGATE_TRY(ensureEncoder(o, yuv->width, yuv->height));
  const bool keyframe = o.keyframeRequested || o.lastKeyframeUs == INT64_MIN ||
                        ptsUs - o.lastKeyframeUs >= int64_t{spec_.keyframeIntervalMs} * 1000;
  const size_t first = out.size();
  RTCGATE_TRY(o.encoder->encode(yuv, ptsUs, keyframe, out));
  o.keyframeRequested = false;
  for (size_t i = first; i < out.size(); ++i) {
    if (out[i].keyframe) o.lastKeyframeUs = out[i].ptsUs;
  }
  return {};
}

void VideoTranscoder::chooseOutputSize(int width, int height, int64_t ptsUs) {
  int w = width;
  int h = height;
  const double pixels = static_cast<double>(w) * h;
  if (spec_.maxPixels > 0 && pixels > spec_.maxPixels) {
    const double scale = std::sqrt(spec_.maxPixels / pixels);
    w = std::max(2, static_cast<int>(w * scale) & ~1);
    h = std::max(2, static_cast<int>(h * scale) & ~1);
  }
  if (w == outWidth_ && h == outHeight_) return;
  // A new size at most once a second of input; in between, pictures are scaled to the
  // size the encoders have.
  if (outWidth_ != 0 && ptsUs - outSizeSinceUs_ < kMinUsBetweenSizes && ptsUs >= outSizeSinceUs_) return;
  outWidth_ = w;
  outHeight_ = h;
  outSizeSinceUs_ = ptsUs;
}

// Encoders take planar 4:2:0 at the output size; a 4:2:2 or 4:4:4 source (some H.264 High
// profiles) or a picture of another size is converted.
AVFrame* VideoTranscoder::toOutput(AVFrame* picture) {
  const int w = outWidth_;
  const int h = outHeight_;
  if (isYuv420(picture->format) && picture->width == w && picture->height == h) return picture;
  scaler_.reset(sws_getCachedContext(scaler_.release(), picture->width, picture->height,
                                     static_cast<AVPixelFormat>(picture->format), w, h, AV_PIX_FMT_YUV420P,
                                     SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!scaler_) return nullptr;
  if (!converted_ || converted_->width != w || converted_->height != h) {
    converted_.reset(av_frame_alloc());
    if (!converted_) return nullptr;
    converted_->format = AV_PIX_FMT_YUV420P;
    converted_->width = w;
    converted_->height = h;
    if (av_frame_get_buffer(converted_.get(), 0) < 0) return nullptr;
  }
  if (av_frame_make_writable(converted_.get()) < 0) return nullptr;
  sws_scale(scaler_.get(), picture->data, picture->linesize, 0, picture->height, converted_->data,
            converted_->linesize);
  return converted_.get();
}

}  // namespace rtcgate::codec
