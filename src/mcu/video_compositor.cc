#include "mcu/video_compositor.h"

#include <algorithm>

#include "mcu/canvas.h"

namespace rtcgate::mcu {

namespace {

constexpr int kBorderPixels = 4;

}  // namespace

Result<std::unique_ptr<VideoCompositor>> VideoCompositor::create(const VideoCompositorOptions& options) {
  if (options.width < 16 || options.height < 16 || options.width % 2 || options.height % 2 || options.fps < 1)
    return Error::malformed("the canvas must be at least 16x16, even, at 1 fps or more");
  std::unique_ptr<VideoCompositor> c(new VideoCompositor(options));
  c->canvas_.reset(av_frame_alloc());
  if (!c->canvas_) return Error{Error::Code::kInternal, "out of memory"};
  c->canvas_->format = AV_PIX_FMT_YUV420P;
  c->canvas_->width = options.width;
  c->canvas_->height = options.height;
  if (av_frame_get_buffer(c->canvas_.get(), 0) < 0) return Error{Error::Code::kInternal, "out of memory"};
  for (media::MediaCodec codec : options.codecs) {
    codec::TranscodeSpec spec;
    spec.to = codec;
    spec.videoBitrateKbps = options.bitrateKbps;
    spec.keyframeIntervalMs = options.keyframeIntervalMs;
    auto encoder = codec::VideoEncoder::create(spec, options.width, options.height, options.fps);
    if (!encoder.ok()) return encoder.error();
    c->outputs_.push_back({codec, std::move(*encoder)});
  }
  c->relayout();
  return c;
}

void VideoCompositor::setSources(const std::vector<std::string>& sources) {
  order_.assign(sources.begin(), sources.begin() + static_cast<std::ptrdiff_t>(std::min(sources.size(), kMaxTiles)));
  for (auto it = sources_.begin(); it != sources_.end();)
    it = std::find(order_.begin(), order_.end(), it->first) == order_.end() ? sources_.erase(it) : std::next(it);
  relayout();
}

void VideoCompositor::setLayout(LayoutKind kind, std::vector<Region> regions) {
  kind_ = kind;
  given_ = std::move(regions);
  relayout();
}

void VideoCompositor::setActiveSpeaker(const std::string& source) {
  if (source == speaker_) return;
  speaker_ = source;
  if (kind_ == LayoutKind::kSpeaker) relayout();
}

void VideoCompositor::dropSource(const std::string& source) { sources_.erase(source); }

void VideoCompositor::relayout() {
  switch (kind_) {
    case LayoutKind::kGrid: regions_ = gridLayout(order_); break;
    case LayoutKind::kSpeaker: regions_ = speakerLayout(order_, speaker_); break;
    case LayoutKind::kRegions:
      // Regions of sources that left are not drawn.
      regions_.clear();
      for (const Region& r : given_)
        if (std::find(order_.begin(), order_.end(), r.source) != order_.end()) regions_.push_back(r);
      break;
  }
  std::stable_sort(regions_.begin(), regions_.end(), [](const Region& a, const Region& b) { return a.z < b.z; });
}

Status VideoCompositor::push(const std::string& source, const media::MediaFrame& frame, int64_t nowUs) {
  if (!media::isVideo(frame.codec)) return Error::malformed("not a video frame");
  if (std::find(order_.begin(), order_.end(), source) == order_.end()) return {};
  ++stats_.framesIn;
  auto& slot = sources_[source];
  if (!slot || slot->codec != frame.codec || !slot->decoder) {
    auto decoder = codec::VideoDecoder::create(frame.codec);
    if (!decoder.ok()) return decoder.error();
    auto fresh = std::make_unique<Source>();
    fresh->codec = frame.codec;
    fresh->decoder = std::move(*decoder);
    if (slot) fresh->shown = std::move(slot->shown);  // keep showing the old picture meanwhile
    slot = std::move(fresh);
  }
  return decode(*slot, frame, nowUs);
}

Status VideoCompositor::decode(Source& s, const media::MediaFrame& frame, int64_t nowUs) {
  if (frame.afterLoss && !frame.keyframe) s.waitKeyframe = true;
  if (s.waitKeyframe && !frame.keyframe) {
    ++stats_.framesSkipped;
    s.wantKeyframe = true;
    return {};
  }
  s.waitKeyframe = false;
  if (auto st = s.decoder->send(frame); !st.ok()) {
    ++stats_.decodeErrors;
    s.waitKeyframe = s.wantKeyframe = true;
    return st;
  }
  // A picture's place on the owner's clock: its own pts moved as this frame's was (a decoder
  // that reorders gives out pictures of earlier frames).
  const int64_t shiftUs = nowUs - frame.ptsUs;
  while (AVFrame* picture = s.decoder->receive()) {
    ++stats_.picturesDecoded;
    codec::FramePtr copy(av_frame_alloc());
    if (!copy || av_frame_ref(copy.get(), picture) < 0) return Error{Error::Code::kInternal, "out of memory"};
    if (s.queue.size() >= kMaxQueuedPictures) s.queue.pop_front();
    const int64_t at = picture->pts != AV_NOPTS_VALUE ? picture->pts + shiftUs : nowUs;
    s.queue.push_back({at, std::move(copy)});
  }
  return {};
}

std::vector<std::string> VideoCompositor::takeKeyframeRequests(int64_t nowUs) {
  std::vector<std::string> out;
  for (auto& [id, s] : sources_) {
    if (!s->wantKeyframe) continue;
    if (s->lastRequestUs != INT64_MIN && nowUs - s->lastRequestUs < kKeyframeRequestIntervalUs) continue;
    s->wantKeyframe = false;
    s->lastRequestUs = nowUs;
    out.push_back(id);
  }
  return out;
}

void VideoCompositor::draw(int64_t nowUs) {
  AVFrame& canvas = *canvas_;
  const int64_t halfFrameUs = 500'000 / options_.fps;
  fillRect(canvas, {0, 0, canvas.width, canvas.height}, kBlack);
  for (const Region& region : regions_) {
    const PixelRect tile = toPixels(region, canvas.width, canvas.height);
    auto it = sources_.find(region.source);
    Source* s = it != sources_.end() ? it->second.get() : nullptr;
    if (s) {
      // The newest picture whose display time is nearest this frame or earlier (a picture
      // is shown at most half a frame early or late); older ones are dropped.
      while (!s->queue.empty() && s->queue.front().arrivedUs + options_.delayUs <= nowUs + halfFrameUs) {
        s->shown = std::move(s->queue.front().frame);
        s->queue.pop_front();
      }
    }
    if (s && s->shown) {
      const PixelRect fit = fitInside(tile, s->shown->width, s->shown->height);
      if (fit.empty() || !scaleInto(canvas, fit, *s->shown, &s->scaler)) fillRect(canvas, tile, kPlaceholder);
    } else {
      // Inset by a little so that neighbouring placeholders stay apart.
      fillRect(canvas, {tile.x + 2, tile.y + 2, tile.w - 4, tile.h - 4}, kPlaceholder);
    }
    if (!speaker_.empty() && region.source == speaker_ && regions_.size() > 1)
      drawBorder(canvas, tile, kBorderPixels, kSpeakerBorder);
  }
}

Status VideoCompositor::compose(int64_t nowUs, int64_t ptsUs, std::vector<media::MediaFrame>& out) {
  // The encoder may still hold the last canvas: draw on a buffer of our own.
  if (av_frame_make_writable(canvas_.get()) < 0) return Error{Error::Code::kInternal, "out of memory"};
  draw(nowUs);
  const bool keyframe = keyframeRequested_;
  keyframeRequested_ = false;
  for (Output& o : outputs_) {
    const size_t before = out.size();
    RTCGATE_TRY(o.encoder->encode(canvas_.get(), ptsUs, keyframe, out));
    stats_.framesOut += out.size() - before;
  }
  return {};
}

}  // namespace rtcgate::mcu
