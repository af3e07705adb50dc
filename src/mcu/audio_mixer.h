#pragma once
// AudioMixer: the arithmetic of an audio mix, without codecs or threads. Sources hand in
// decoded 20 ms blocks of 48 kHz PCM stamped with their capture time on one clock (the
// sources' sender reports map their RTP time onto it); each source keeps a small jitter
// buffer of blocks by capture slot. Every 20 ms the owner asks for one step, a playout
// delay behind real time: the mixer sums the loudest N sources that have a block for that
// slot (a source without one — late, lost, stalled — is left out and holds nothing up), and
// gives the full mix and, for every listener that asked, the mix minus that listener's own
// voice. Each output passes its own limiter, so loud sums never clip.

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "mcu/audio_limiter.h"

namespace rtcgate::mcu {

inline constexpr int kMixRate = 48000;
inline constexpr int64_t kMixStepUs = 20'000;
inline constexpr size_t kMixStepFrames = kMixRate / 50;  // 960 samples per channel

struct AudioMixerOptions {
  int channels = 1;  // 1 or 2 (interleaved)
  // Only the loudest this many sources are summed (0: all).
  size_t loudest = 3;
  // Blocks a source may hold ahead of the step being mixed (its jitter buffer).
  size_t maxQueuedSteps = 25;  // 500 ms
};

// One mixed step.
struct MixedStep {
  int64_t slot = 0;                    // capture slot mixed (capture µs / 20 ms)
  std::vector<float> full;             // everyone selected
  std::map<std::string, std::vector<float>> minus;  // per listener: full without that source
  std::vector<std::string> mixed;      // the sources in this step, loudest first
  float loudestRms = 0;                // of mixed.front(), 0..1 of full scale
};

class AudioMixer {
 public:
  explicit AudioMixer(AudioMixerOptions options = {});

  void addSource(const std::string& id);
  void removeSource(const std::string& id);
  // `id` wants the mix without itself (a room participant listening to the others).
  void setMixMinus(const std::string& id, bool wanted);
  bool hasSource(const std::string& id) const { return sources_.count(id) != 0; }

  // A decoded block: kMixStepFrames × channels samples, int16 full scale, captured at
  // `captureUs` on the mix clock. A block for a slot already mixed, a duplicate slot, or one
  // past the jitter buffer's reach is dropped and counted. Returns false when dropped.
  bool push(const std::string& id, std::span<const int16_t> pcm, int64_t captureUs);

  // Mixes the capture slot that holds `playoutUs` (the owner's clock minus its playout
  // delay) and forgets everything older. Steps must move forward; a repeated or older slot
  // mixes nothing new.
  MixedStep mix(int64_t playoutUs);

  uint64_t droppedLate() const noexcept { return droppedLate_; }
  uint64_t droppedOverflow() const noexcept { return droppedOverflow_; }
  size_t stepSamples() const noexcept { return kMixStepFrames * static_cast<size_t>(options_.channels); }

 private:
  struct Block {
    int64_t slot;
    std::vector<float> samples;
    float rms;
  };
  struct Source {
    std::deque<Block> queue;  // by slot, ascending
    bool mixMinus = false;
  };

  AudioMixerOptions options_;
  std::map<std::string, Source> sources_;
  std::map<std::string, AudioLimiter> limiters_;  // "" = the full mix, else a listener
  int64_t lastSlot_ = INT64_MIN;
  uint64_t droppedLate_ = 0, droppedOverflow_ = 0;
};

}  // namespace rtcgate::mcu
