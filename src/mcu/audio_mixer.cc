#include "mcu/audio_mixer.h"

#include <algorithm>
#include <cmath>

namespace rtcgate::mcu {

namespace {

int64_t slotOf(int64_t us) {
  // Floor division, so capture times before the clock's zero still land in their slot.
  return us >= 0 ? us / kMixStepUs : -((-us + kMixStepUs - 1) / kMixStepUs);
}

}  // namespace

AudioMixer::AudioMixer(AudioMixerOptions options) : options_(options) {
  options_.channels = std::clamp(options_.channels, 1, 2);
  limiters_[""];
}

void AudioMixer::addSource(const std::string& id) { sources_.try_emplace(id); }

void AudioMixer::removeSource(const std::string& id) {
  sources_.erase(id);
  limiters_.erase(id);
}

void AudioMixer::setMixMinus(const std::string& id, bool wanted) {
  auto it = sources_.find(id);
  if (it == sources_.end()) return;
  it->second.mixMinus = wanted;
  if (wanted) limiters_[id];
  else limiters_.erase(id);
}

bool AudioMixer::push(const std::string& id, std::span<const int16_t> pcm, int64_t captureUs) {
  auto it = sources_.find(id);
  if (it == sources_.end() || pcm.size() != stepSamples()) return false;
  const int64_t slot = slotOf(captureUs);
  auto& queue = it->second.queue;
  if (slot <= lastSlot_) {
    ++droppedLate_;
    return false;
  }
  if (queue.size() >= options_.maxQueuedSteps) {
    ++droppedOverflow_;  // a source running ahead of the mix: its jitter buffer is full
    return false;
  }
  const auto at = std::lower_bound(queue.begin(), queue.end(), slot,
                                   [](const Block& b, int64_t s) { return b.slot < s; });
  if (at != queue.end() && at->slot == slot) {
    ++droppedLate_;  // a duplicate
    return false;
  }
  Block block{slot, std::vector<float>(pcm.size()), 0.0f};
  double energy = 0;
  for (size_t i = 0; i < pcm.size(); ++i) {
    block.samples[i] = static_cast<float>(pcm[i]) / 32768.0f;
    energy += static_cast<double>(block.samples[i]) * block.samples[i];
  }
  block.rms = static_cast<float>(std::sqrt(energy / static_cast<double>(pcm.size())));
  queue.insert(at, std::move(block));
  return true;
}

MixedStep AudioMixer::mix(int64_t playoutUs) {
  MixedStep out;
  out.slot = slotOf(playoutUs);
  out.full.assign(stepSamples(), 0.0f);
  if (out.slot <= lastSlot_) return out;
  lastSlot_ = out.slot;

  // Who has a block for this slot, loudest first; older blocks are gone for good.
  std::vector<std::pair<float, std::pair<const std::string*, Block*>>> present;
  for (auto& [id, source] : sources_) {
    auto& q = source.queue;
    while (!q.empty() && q.front().slot < out.slot) q.pop_front();
    if (!q.empty() && q.front().slot == out.slot) present.push_back({q.front().rms, {&id, &q.front()}});
  }
  std::stable_sort(present.begin(), present.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (options_.loudest > 0 && present.size() > options_.loudest) present.resize(options_.loudest);

  if (!present.empty()) out.loudestRms = present.front().first;
  for (const auto& [rms, who] : present) {
    out.mixed.push_back(*who.first);
    const auto& s = who.second->samples;
    for (size_t i = 0; i < s.size(); ++i) out.full[i] += s[i];
  }
  for (auto& [id, source] : sources_) {
    if (!source.mixMinus) continue;
    std::vector<float> minus = out.full;
    for (const auto& [rms, who] : present) {
      if (*who.first != id) continue;
      const auto& s = who.second->samples;
      for (size_t i = 0; i < s.size(); ++i) minus[i] -= s[i];
    }
    limiters_[id].process(minus);
    out.minus.emplace(id, std::move(minus));
  }
  limiters_[""].process(out.full);
  for (auto& [id, source] : sources_)
    if (!source.queue.empty() && source.queue.front().slot == out.slot) source.queue.pop_front();
  return out;
}

}  // namespace rtcgate::mcu
