#pragma once
// AudioMixEngine: an audio mix with its codecs — the sources' encoded frames (Opus, AAC)
// decoded into 20 ms blocks, placed on the mix clock, mixed by AudioMixer, and the full
// mix and each mix-minus encoded to Opus once. No thread of its own: the owner (a codec
// pool thread) pushes frames as they come and calls step() on its 20 ms timer.
//
// Sources are placed on the mix clock by arrival: a source's first block after it starts
// (or jumps) is taken as captured when it arrived, and its later blocks follow by their
// own timestamps, so a source's jitter does not move it. Placement is to the sample: a
// source's blocks are cut again on the mix's 20 ms slots, so a sound leaves the mix when
// its source said, not up to a slot earlier. The playout delay is how long the mix waits
// for a late block before mixing without it.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "codec/audio_block_decoder.h"
#include "codec/audio_encoder.h"
#include "mcu/audio_mixer.h"

namespace rtcgate::mcu {

struct AudioMixEngineOptions {
  AudioMixerOptions mixer;
  int64_t playoutDelayUs = 60'000;
  int bitrateKbps = 0;  // Opus; 0 = the encoder's usual
  // The output's pts are mix-clock time minus this (the mix's start), so that another
  // track made on the same clock (the compositor's video) lines up with it.
  int64_t epochUs = 0;
  // The full mix is encoded (off for a room's mix that only feeds mix-minus listeners).
  bool encodeFull = true;
};

// The active speaker: the loudest source above this level (about -40 dBFS) ...
inline constexpr float kSpeakingRms = 0.01f;
// ... holding it this long before another takes over.
inline constexpr int64_t kSpeakerHoldUs = 1'000'000;

// What one step made: Opus frames of the full mix and of each mix-minus.
struct MixOutput {
  std::vector<media::MediaFrame> full;
  std::map<std::string, std::vector<media::MediaFrame>> minus;
};

class AudioMixEngine {
 public:
  static Result<std::unique_ptr<AudioMixEngine>> create(const AudioMixEngineOptions& options);

  // A source of `codec`; false when its decoder cannot be made.
  Status addSource(const std::string& id, media::MediaCodec codec);
  void removeSource(const std::string& id);
  // Listener `id` gets the mix without source `id` (the full mix while `id` is no source,
  // e.g. a listener who does not speak), encoded for it alone; a listener stays one when
  // its source is removed.
  Status setMixMinus(const std::string& id, bool wanted);

  // One encoded frame of `id`, arrived at `nowUs` on the mix clock.
  Status push(const std::string& id, const media::MediaFrame& frame, int64_t nowUs);
  // Mixes and encodes every 20 ms slot that is due at `nowUs` and not yet mixed.
  Status step(int64_t nowUs, MixOutput& out);

  const AudioMixer& mixer() const noexcept { return mixer_; }
  // The source speaking now ("" before anyone spoke); it changes at most once a second.
  const std::string& activeSpeaker() const noexcept { return speaker_; }

 private:
  struct Source {
    std::unique_ptr<codec::AudioBlockDecoder> decoder;
    bool placed = false;
    int64_t offsetUs = 0;        // mix clock minus the source's clock
    int64_t frameOffsetUs = 0;   // the owner's mapping of the frames (now minus pts) when placed
    int64_t expectedPtsUs = 0;   // the next block's pts when nothing jumps
    int64_t carrySlot = 0;       // the slot `carry` begins
    std::vector<int16_t> carry;  // that slot's samples so far (silence before the source began)
  };
  struct Encoder {
    std::unique_ptr<codec::AudioEncoder> codec;
    codec::FramePtr pcm;
  };

  explicit AudioMixEngine(const AudioMixEngineOptions& options) : options_(options), mixer_(options.mixer) {}
  Result<Encoder> makeEncoder() const;
  Status encode(Encoder& encoder, const std::vector<float>& samples, int64_t ptsUs, std::vector<media::MediaFrame>& out);
  void noteSpeaker(const MixedStep& step);
  // Hands `s`'s whole slots to the mixer; `flush`: the partial one too, padded with silence.
  void deliver(const std::string& id, Source& s, bool flush);

  AudioMixEngineOptions options_;
  AudioMixer mixer_;
  std::map<std::string, Source> sources_;
  Encoder full_;
  std::map<std::string, Encoder> minus_;
  int64_t nextSlotUs_ = INT64_MIN;  // start of the next slot to mix
  std::string speaker_;
  int64_t speakerSinceUs_ = INT64_MIN;
  std::vector<codec::PcmBlock> blocks_;  // scratch
};

}  // namespace rtcgate::mcu
