#include "codec/video_decoder.h"


#include "media/annex_b.h"

namespace rtcgate::codec {

namespace {

AVCodecID decoderId(media::MediaCodec codec) {
  switch (codec) {
    case media::MediaCodec::kH264:
      return AV_CODEC_ID_H264;
    case media::MediaCodec::kVp8:
      return AV_CODEC_ID_VP8;
    case media::MediaCodec::kVp9:
      return AV_CODEC_ID_VP9;
    default:
      return AV_CODEC_ID_NONE;
  }
}

bool hasSps(std::span<const uint8_t> annexB) {
  media::AnnexBReader reader(annexB);
  std::span<const uint8_t> nal;
  while (reader.next(nal)) {
    if (media::nalType(nal[0]) == media::kNalSps) return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<VideoDecoder>> VideoDecoder::create(media::MediaCodec codec) {
  const AVCodecID id = decoderId(codec);
  const AVCodec* dec = id == AV_CODEC_ID_NONE ? nullptr : avcodec_find_decoder(id);
  if (dec == nullptr) return Error::unsupported("no decoder for this video codec");
  CodecContextPtr ctx(avcodec_alloc_context3(dec));
  PacketPtr packet(av_packet_alloc());
  FramePtr picture(av_frame_alloc());
  if (!ctx || !packet || !picture) return Error{Error::Code::kInternal, "out of memory"};
  ctx->thread_count = 1;  // the pool supplies the parallelism
  ctx->pkt_timebase = AVRational{1, 1'000'000};
  // A stream announcing a huge picture is refused by the decoder, not given the memory.
  ctx->max_pixels = kMaxPixels;
  if (avcodec_open2(ctx.get(), dec, nullptr) < 0) {
    return Error{Error::Code::kInternal, "cannot open the video decoder"};
  }
  return std::unique_ptr<VideoDecoder>(
      new VideoDecoder(codec, std::move(ctx), std::move(packet), std::move(picture)));
}

VideoDecoder::VideoDecoder(media::MediaCodec codec, CodecContextPtr ctx, PacketPtr packet,
                           FramePtr picture)
    : codec_(codec), ctx_(std::move(ctx)), packet_(std::move(packet)), picture_(std::move(picture)) {}

// An H.264 keyframe whose SPS/PPS travelled only out of band (RTMP's sequence header) gets
// them in front, so the decoder can start on it. The copy is padded as libavcodec requires.
std::span<const uint8_t> VideoDecoder::withParameterSets(const media::MediaFrame& in) {
  scratch_.clear();
  if (codec_ == media::MediaCodec::kH264 && in.keyframe && !in.config.empty() && !hasSps(in.data)) {
    scratch_.insert(scratch_.end(), in.config.begin(), in.config.end());
  }
  scratch_.insert(scratch_.end(), in.data.begin(), in.data.end());
  const size_t size = scratch_.size();
  scratch_.resize(size + AV_INPUT_BUFFER_PADDING_SIZE, 0);
  return {scratch_.data(), size};
}

Status VideoDecoder::send(const media::MediaFrame& in) {
  if (in.data.empty()) return Error::malformed("empty video frame");
  const std::span<const uint8_t> bytes = withParameterSets(in);
  av_packet_unref(packet_.get());
  // Not reference-counted: libavcodec copies the bytes before send returns.
  packet_->data = const_cast<uint8_t*>(bytes.data());
  packet_->size = static_cast<int>(bytes.size());
  packet_->pts = in.ptsUs;
  packet_->dts = in.dtsUs;
  if (in.keyframe) packet_->flags |= AV_PKT_FLAG_KEY;
  const int rc = avcodec_send_packet(ctx_.get(), packet_.get());
  packet_->data = nullptr;
  packet_->size = 0;
  if (rc == AVERROR(EAGAIN)) return Error::state("video decoder full");
  if (rc < 0) return Error::malformed("the video decoder rejected the frame");
  return {};
}

AVFrame* VideoDecoder::receive() {
  av_frame_unref(picture_.get());
  if (avcodec_receive_frame(ctx_.get(), picture_.get()) < 0) return nullptr;
  return picture_.get();
}

}  // namespace rtcgate::codec
