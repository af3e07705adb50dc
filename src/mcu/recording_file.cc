#include "mcu/recording_file.h"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
}

#include <cstring>

namespace rtcgate::mcu {

namespace {

constexpr AVRational kMicros{1, 1'000'000};

std::string avError(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof(buf));
  return buf;
}

AVCodecID codecId(media::MediaCodec c) {
  switch (c) {
    case media::MediaCodec::kH264: return AV_CODEC_ID_H264;
    case media::MediaCodec::kVp8: return AV_CODEC_ID_VP8;
    case media::MediaCodec::kVp9: return AV_CODEC_ID_VP9;
    case media::MediaCodec::kOpus: return AV_CODEC_ID_OPUS;
    case media::MediaCodec::kAac: return AV_CODEC_ID_AAC;
    default: return AV_CODEC_ID_NONE;
  }
}

// The Opus identification header (RFC 7845 §5.1) Matroska and MP4 carry as codec private data.
std::vector<uint8_t> opusHead(int channels) {
  std::vector<uint8_t> h = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, static_cast<uint8_t>(channels), 0, 0};
  const uint32_t rate = 48000;
  for (int i = 0; i < 4; ++i) h.push_back(static_cast<uint8_t>(rate >> (8 * i)));
  h.insert(h.end(), {0, 0, 0});  // output gain 0, mapping family 0
  return h;
}

bool setExtradata(AVCodecParameters& par, const std::vector<uint8_t>& data) {
  if (data.empty()) return true;
  par.extradata = static_cast<uint8_t*>(av_mallocz(data.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!par.extradata) return false;
  std::memcpy(par.extradata, data.data(), data.size());
  par.extradata_size = static_cast<int>(data.size());
  return true;
}

}  // namespace

std::optional<Container> containerFor(std::optional<media::MediaCodec> video, std::optional<media::MediaCodec> audio) {
  using media::MediaCodec;
  if (!video && !audio) return std::nullopt;
  if (video && *video == MediaCodec::kH264) return Container::kMp4;  // with AAC or Opus
  if (video && *video != MediaCodec::kVp8 && *video != MediaCodec::kVp9) return std::nullopt;
  if (video) return !audio || *audio == MediaCodec::kOpus ? std::optional(Container::kWebm) : std::nullopt;
  return *audio == MediaCodec::kOpus ? Container::kWebm : Container::kMp4;  // AAC alone: MP4
}

const char* extensionOf(Container c) noexcept { return c == Container::kMp4 ? "mp4" : "webm"; }

RecordingFile::~RecordingFile() {
  std::string ignored;
  (void)close(ignored);
}

void RecordingFile::release() noexcept {
  if (!ctx_) return;
  if (ctx_->pb) avio_closep(&ctx_->pb);
  avformat_free_context(ctx_);
  ctx_ = nullptr;
}

Status RecordingFile::open(const std::string& path, Container container, const std::optional<TrackFormat>& video,
                           const std::optional<TrackFormat>& audio, std::string& why) {
  if (ctx_) return Error::state("already open");
  const char* format = container == Container::kMp4 ? "mp4" : "webm";
  if (int err = avformat_alloc_output_context2(&ctx_, nullptr, format, path.c_str()); err < 0 || !ctx_) {
    why = "cannot make a " + std::string(format) + " muxer: " + avError(err);
    return Error{Error::Code::kInternal, "muxer"};
  }
  const auto fail = [&](std::string text) {
    why = std::move(text);
    release();
    return Error{Error::Code::kInternal, "recording file"};
  };
  if (video) {
    AVStream* st = avformat_new_stream(ctx_, nullptr);
    if (!st) return fail("out of memory");
    st->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
    st->codecpar->codec_id = codecId(video->codec);
    st->codecpar->width = video->width;
    st->codecpar->height = video->height;
    st->time_base = AVRational{1, 90000};
    if (!setExtradata(*st->codecpar, video->extradata)) return fail("out of memory");
    videoIndex_ = st->index;
  }
  if (audio) {
    AVStream* st = avformat_new_stream(ctx_, nullptr);
    if (!st) return fail("out of memory");
    st->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
    st->codecpar->codec_id = codecId(audio->codec);
    st->codecpar->sample_rate = audio->sampleRate;
    av_channel_layout_default(&st->codecpar->ch_layout, audio->channels);
    st->time_base = AVRational{1, audio->sampleRate};
    const auto extra = audio->codec == media::MediaCodec::kOpus && audio->extradata.empty() ? opusHead(audio->channels)
                                                                                            : audio->extradata;
    if (!setExtradata(*st->codecpar, extra)) return fail("out of memory");
    audioIndex_ = st->index;
  }
  if (int err = avio_open(&ctx_->pb, path.c_str(), AVIO_FLAG_WRITE); err < 0)
    return fail("cannot create " + path + ": " + avError(err));
  // Every packet reaches the file at once; fragments (MP4) and clusters (WebM) close at
  // least every second, so a process that dies leaves a file that plays.
  ctx_->flush_packets = 1;
  AVDictionary* options = nullptr;
  if (container == Container::kMp4) {
    av_dict_set(&options, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
    av_dict_set(&options, "frag_duration", "1000000", 0);
  } else {
    av_dict_set(&options, "cluster_time_limit", "1000", 0);
  }
  const int err = avformat_write_header(ctx_, &options);
  av_dict_free(&options);
  if (err < 0) return fail("cannot write the " + std::string(format) + " header: " + avError(err));
  bytes_ = static_cast<uint64_t>(std::max<int64_t>(0, avio_tell(ctx_->pb)));
  return {};
}

Status RecordingFile::write(const media::MediaFrame& frame, int64_t ptsUs, int64_t dtsUs, std::string& why) {
  if (!ctx_) return Error::state("not open");
  const int index = media::isVideo(frame.codec) ? videoIndex_ : audioIndex_;
  if (index < 0) return {};  // a track the file does not have
  AVStream* st = ctx_->streams[index];
  AVPacket* pkt = av_packet_alloc();
  if (!pkt) {
    why = "out of memory";
    return Error{Error::Code::kInternal, "out of memory"};
  }
  pkt->data = const_cast<uint8_t*>(frame.data.data());  // copied by the muxer: not reference-counted
  pkt->size = static_cast<int>(frame.data.size());
  pkt->stream_index = index;
  pkt->pts = av_rescale_q(ptsUs, kMicros, st->time_base);
  pkt->dts = av_rescale_q(dtsUs, kMicros, st->time_base);
  if (frame.keyframe || !media::isVideo(frame.codec)) pkt->flags |= AV_PKT_FLAG_KEY;
  const int err = av_interleaved_write_frame(ctx_, pkt);
  av_packet_free(&pkt);
  if (err < 0 || (ctx_->pb && ctx_->pb->error < 0)) {
    why = "cannot write: " + avError(err < 0 ? err : ctx_->pb->error);
    return Error{Error::Code::kInternal, "write"};
  }
  bytes_ = static_cast<uint64_t>(std::max<int64_t>(0, avio_tell(ctx_->pb)));
  return {};
}

Status RecordingFile::close(std::string& why) {
  if (!ctx_) return {};
  int err = av_write_trailer(ctx_);
  if (err >= 0 && ctx_->pb) {
    avio_flush(ctx_->pb);
    if (ctx_->pb->error < 0) err = ctx_->pb->error;
    bytes_ = static_cast<uint64_t>(std::max<int64_t>(0, avio_tell(ctx_->pb)));
  }
  release();
  if (err < 0) {
    why = "cannot finish the file: " + avError(err);
    return Error{Error::Code::kInternal, "trailer"};
  }
  return {};
}

}  // namespace rtcgate::mcu
