#include "wire/rtmp/aac_config.h"

#include "base/byte_writer.h"

namespace rtcgate::wire::rtmp {
namespace {

constexpr uint32_t kSampleRates[13] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                       22050, 16000, 12000, 11025, 8000,  7350};

// MSB-first bit reader over a span; reads past the end report failure.
class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> d) noexcept : d_(d) {}
  bool read(unsigned bits, uint32_t& out) noexcept {
    if (pos_ + bits > d_.size() * 8) return false;
    out = 0;
    for (unsigned i = 0; i < bits; ++i, ++pos_) out = out << 1 | ((d_[pos_ / 8] >> (7 - pos_ % 8)) & 1);
    return true;
  }

 private:
  std::span<const uint8_t> d_;
  size_t pos_ = 0;
};

}  // namespace

uint32_t AacConfig::sampleRateForIndex(uint8_t index) noexcept {
  return index < 13 ? kSampleRates[index] : 0;
}

// §1.6.2.1: audioObjectType (5 bits, 31 escapes to 32 + 6 bits), samplingFrequencyIndex
// (4 bits, 15 escapes to a 24-bit frequency), channelConfiguration (4 bits).
Result<AacConfig> AacConfig::parse(std::span<const uint8_t> asc) noexcept {
  BitReader r(asc);
  uint32_t objectType = 0;
  uint32_t index = 0;
  uint32_t channels = 0;
  if (!r.read(5, objectType)) return Error::truncated("aac object type");
  if (objectType == 31) {
    uint32_t ext = 0;
    if (!r.read(6, ext)) return Error::truncated("aac extended object type");
    objectType = 32 + ext;
  }
  if (objectType == 0) return Error::malformed("aac object type 0");
  if (!r.read(4, index)) return Error::truncated("aac sample rate index");
  AacConfig c;
  c.objectType = static_cast<uint8_t>(objectType);
  c.sampleRateIndex = static_cast<uint8_t>(index);
  if (index == 15) {
    if (!r.read(24, c.sampleRate)) return Error::truncated("aac explicit sample rate");
  } else {
    c.sampleRate = sampleRateForIndex(c.sampleRateIndex);
    if (c.sampleRate == 0) return Error::malformed("aac reserved sample rate index");
  }
  if (c.sampleRate == 0) return Error::malformed("aac sample rate 0");
  if (!r.read(4, channels)) return Error::truncated("aac channel configuration");
  c.channelConfig = static_cast<uint8_t>(channels);
  return c;
}

Result<size_t> AacConfig::serializeTo(std::span<uint8_t> out) const noexcept {
  if (objectType == 0 || objectType > 30) return Error::unsupported("aac object type for serialization");
  if (sampleRateIndex > 15 || channelConfig > 15) return Error::malformed("aac config field range");
  // 5 + 4 (+24) + 4 bits, padded with zeros (GASpecificConfig flags all zero).
  uint64_t bits = objectType;
  unsigned n = 5;
  bits = bits << 4 | sampleRateIndex;
  n += 4;
  if (sampleRateIndex == 15) {
    bits = bits << 24 | (sampleRate & 0xFFFFFF);
    n += 24;
  }
  bits = bits << 4 | channelConfig;
  n += 4;
  const size_t bytes = (n + 3 + 7) / 8;  // + frameLengthFlag, dependsOnCoreCoder, extensionFlag
  if (out.size() < bytes) return Error::noSpace("aac config");
  bits <<= bytes * 8 - n;
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(bits >> (8 * (bytes - 1 - i)));
  return bytes;
}

}  // namespace rtcgate::wire::rtmp
