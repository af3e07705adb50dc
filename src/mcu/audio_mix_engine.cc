#include "mcu/audio_mix_engine.h"

#include <algorithm>
#include <cstdlib>
#include <span>

namespace rtcgate::mcu {

namespace {

constexpr int64_t kJumpUs = 200'000;  // a source block this far from where it should be: re-place it
constexpr int64_t kOwnerMoveUs = 100'000;  // the owner's mapping of a source moved this far: re-place it

int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace

Result<std::unique_ptr<AudioMixEngine>> AudioMixEngine::create(const AudioMixEngineOptions& options) {
  std::unique_ptr<AudioMixEngine> engine(new AudioMixEngine(options));
  auto full = engine->makeEncoder();
  if (!full.ok()) return full.error();
  engine->full_ = std::move(*full);
  return engine;
}

Result<AudioMixEngine::Encoder> AudioMixEngine::makeEncoder() const {
  codec::TranscodeSpec spec;
  spec.from = media::MediaCodec::kOpus;
  spec.to = media::MediaCodec::kOpus;
  spec.channels = mixer_.stepSamples() / kMixStepFrames == 2 ? 2 : 1;
  spec.audioBitrateKbps = options_.bitrateKbps;
  auto codec = codec::AudioEncoder::create(spec);
  if (!codec.ok()) return codec.error();
  if ((*codec)->frameSize() != static_cast<int>(kMixStepFrames))
    return Error{Error::Code::kInternal, "the Opus encoder does not take 20 ms frames"};
  Encoder e;
  e.codec = std::move(*codec);
  e.pcm.reset(av_frame_alloc());
  if (!e.pcm) return Error{Error::Code::kInternal, "out of memory"};
  e.pcm->format = e.codec->format();
  e.pcm->sample_rate = kMixRate;
  e.pcm->nb_samples = static_cast<int>(kMixStepFrames);
  if (av_channel_layout_copy(&e.pcm->ch_layout, &e.codec->layout()) < 0 || av_frame_get_buffer(e.pcm.get(), 0) < 0)
    return Error{Error::Code::kInternal, "out of memory"};
  return e;
}

Status AudioMixEngine::addSource(const std::string& id, media::MediaCodec codec) {
  const int channels = static_cast<int>(mixer_.stepSamples() / kMixStepFrames);
  auto decoder = codec::AudioBlockDecoder::create(codec, channels);
  if (!decoder.ok()) return decoder.error();
  sources_[id] = Source{std::move(*decoder)};
  mixer_.addSource(id);
  if (minus_.count(id)) mixer_.setMixMinus(id, true);  // a listener that starts to speak
  return {};
}

void AudioMixEngine::removeSource(const std::string& id) {
  sources_.erase(id);
  mixer_.removeSource(id);  // as a listener it keeps its mix-minus (now the full mix)
  if (speaker_ == id) {
    speaker_.clear();
    speakerSinceUs_ = INT64_MIN;
  }
}

Status AudioMixEngine::setMixMinus(const std::string& id, bool wanted) {
  if (!wanted) {
    minus_.erase(id);
  } else if (!minus_.count(id)) {
    auto e = makeEncoder();
    if (!e.ok()) return e.error();
    minus_.emplace(id, std::move(*e));
  }
  mixer_.setMixMinus(id, wanted);
  return {};
}

Status AudioMixEngine::push(const std::string& id, const media::MediaFrame& frame, int64_t nowUs) {
  auto it = sources_.find(id);
  if (it == sources_.end()) return Error::state("no such source");
  Source& s = it->second;
  blocks_.clear();
  RTCGATE_TRY(s.decoder->push(frame, blocks_));
  const auto channels = static_cast<int64_t>(mixer_.stepSamples() / kMixStepFrames);
  // The owner placed the source's clock again (its frames came late, or jumped): so do we.
  // kOwnerMoveUs is below the smallest move an owner makes (MixRunner: 150 ms) and above the
  // jitter of an owner that passes arrival times.
  const int64_t frameOffset = nowUs - frame.ptsUs;
  if (s.placed && std::llabs(frameOffset - s.frameOffsetUs) > kOwnerMoveUs) s.placed = false;
  for (auto& block : blocks_) {
    if (!s.placed || std::llabs(block.ptsUs - s.expectedPtsUs) > kJumpUs) {
      s.frameOffsetUs = frameOffset;
      deliver(id, s, true);
      s.offsetUs = nowUs - block.ptsUs;  // the first block after a start or a jump: captured now
      s.placed = true;
      // Its first sample's place among the mix clock's samples, and so in its slot.
      const int64_t sample = floorDiv((block.ptsUs + s.offsetUs) * kMixRate, 1'000'000);
      s.carrySlot = floorDiv(sample, static_cast<int64_t>(kMixStepFrames));
      s.carry.assign(static_cast<size_t>((sample - s.carrySlot * static_cast<int64_t>(kMixStepFrames)) * channels), 0);
    }
    s.expectedPtsUs = block.ptsUs + kMixStepUs;
    s.carry.insert(s.carry.end(), block.samples.begin(), block.samples.end());
    deliver(id, s, false);
  }
  return {};
}

void AudioMixEngine::deliver(const std::string& id, Source& s, bool flush) {
  const size_t step = mixer_.stepSamples();
  if (flush && !s.carry.empty()) s.carry.resize(std::max(s.carry.size(), step), 0);
  size_t used = 0;
  for (; s.carry.size() - used >= step; used += step)
    (void)mixer_.push(id, std::span<const int16_t>(s.carry.data() + used, step), s.carrySlot++ * kMixStepUs);
  s.carry.erase(s.carry.begin(), s.carry.begin() + static_cast<std::ptrdiff_t>(used));
}

Status AudioMixEngine::step(int64_t nowUs, MixOutput& out) {
  const int64_t due = nowUs - options_.playoutDelayUs;
  if (nextSlotUs_ == INT64_MIN) nextSlotUs_ = due - due % kMixStepUs;
  // A stall of the owner's timer longer than a second: skip ahead instead of catching up.
  if (due - nextSlotUs_ > 1'000'000) nextSlotUs_ = due - due % kMixStepUs;
  while (nextSlotUs_ <= due) {
    const MixedStep mixed = mixer_.mix(nextSlotUs_);
    const int64_t ptsUs = nextSlotUs_ - options_.epochUs;
    noteSpeaker(mixed);
    nextSlotUs_ += kMixStepUs;
    if (options_.encodeFull) RTCGATE_TRY(encode(full_, mixed.full, ptsUs, out.full));
    for (auto& [id, encoder] : minus_) {
      const auto m = mixed.minus.find(id);
      RTCGATE_TRY(encode(encoder, m != mixed.minus.end() ? m->second : mixed.full, ptsUs, out.minus[id]));
    }
  }
  return {};
}

void AudioMixEngine::noteSpeaker(const MixedStep& step) {
  if (step.mixed.empty() || step.loudestRms < kSpeakingRms || step.mixed.front() == speaker_) return;
  const int64_t at = step.slot * kMixStepUs;
  if (speakerSinceUs_ != INT64_MIN && at - speakerSinceUs_ < kSpeakerHoldUs) return;
  speaker_ = step.mixed.front();
  speakerSinceUs_ = at;
}

Status AudioMixEngine::encode(Encoder& e, const std::vector<float>& samples, int64_t ptsUs,
                              std::vector<media::MediaFrame>& out) {
  if (av_frame_make_writable(e.pcm.get()) < 0) return Error{Error::Code::kInternal, "out of memory"};
  if (e.pcm->format == AV_SAMPLE_FMT_FLT) {
    std::copy(samples.begin(), samples.end(), reinterpret_cast<float*>(e.pcm->data[0]));
  } else {
    auto* s16 = reinterpret_cast<int16_t*>(e.pcm->data[0]);
    for (size_t i = 0; i < samples.size(); ++i)
      s16[i] = static_cast<int16_t>(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f);
  }
  RTCGATE_TRY(e.codec->encode(e.pcm.get(), ptsUs, out));
  return {};
}

}  // namespace rtcgate::mcu
