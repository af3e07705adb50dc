#include "codec/audio_resampler.h"

#include <algorithm>

namespace rtcgate::codec {

AudioResampler::AudioResampler(int rate, AVSampleFormat format, const AVChannelLayout& layout)
    : outRate_(rate), outFormat_(format) {
  if (av_channel_layout_copy(&outLayout_, &layout) < 0) av_channel_layout_default(&outLayout_, 1);
}

AudioResampler::~AudioResampler() {
  av_channel_layout_uninit(&inLayout_);
  av_channel_layout_uninit(&outLayout_);
}

Status AudioResampler::ensure(const AVFrame& pcm) {
  AVChannelLayout layout{};
  if (pcm.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || pcm.ch_layout.nb_channels == 0) {
    av_channel_layout_default(&layout, std::max(1, pcm.ch_layout.nb_channels));
  } else if (av_channel_layout_copy(&layout, &pcm.ch_layout) < 0) {
    return Error{Error::Code::kInternal, "out of memory"};
  }
  if (swr_ && pcm.sample_rate == inRate_ && pcm.format == inFormat_ &&
      av_channel_layout_compare(&layout, &inLayout_) == 0) {
    av_channel_layout_uninit(&layout);
    return {};
  }
  av_channel_layout_uninit(&inLayout_);
  inLayout_ = layout;  // takes ownership
  inRate_ = pcm.sample_rate;
  inFormat_ = pcm.format;
  SwrContext* swr = nullptr;
  if (swr_alloc_set_opts2(&swr, &outLayout_, outFormat_, outRate_, &inLayout_, static_cast<AVSampleFormat>(inFormat_),
                          inRate_, 0, nullptr) < 0) {
    return Error{Error::Code::kInternal, "cannot set up the resampler"};
  }
  swr_.reset(swr);
  if (swr_init(swr) < 0) {
    swr_.reset();
    return Error{Error::Code::kInternal, "cannot set up the resampler"};
  }
  return {};
}

Status AudioResampler::convertInto(const AVFrame& pcm, AVAudioFifo* fifo) {
  RTCGATE_TRY(ensure(pcm));
  const int capacity = swr_get_out_samples(swr_.get(), pcm.nb_samples);
  if (capacity < 0) return Error{Error::Code::kInternal, "resampler failed"};
  const int channels = outLayout_.nb_channels;
  const int planes = av_sample_fmt_is_planar(outFormat_) ? channels : 1;
  const int bytes = av_samples_get_buffer_size(nullptr, channels, capacity, outFormat_, 1);
  if (bytes < 0) return Error{Error::Code::kInternal, "resampler failed"};
  converted_.resize(static_cast<size_t>(bytes));
  planes_.assign(static_cast<size_t>(planes), nullptr);
  av_samples_fill_arrays(planes_.data(), nullptr, converted_.data(), channels, capacity, outFormat_, 1);
  const int n = swr_convert(swr_.get(), planes_.data(), capacity, const_cast<const uint8_t**>(pcm.extended_data),
                            pcm.nb_samples);
  if (n < 0) return Error{Error::Code::kInternal, "resampler failed"};
  if (n > 0 && av_audio_fifo_write(fifo, reinterpret_cast<void**>(planes_.data()), n) < n)
    return Error{Error::Code::kInternal, "audio FIFO write failed"};
  return {};
}

}  // namespace rtcgate::codec
