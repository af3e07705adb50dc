#include "wire/rtmp/nal_units.h"

#include "base/byte_writer.h"

namespace rtcgate::wire::rtmp {

Result<bool> AvccIterator::next(std::span<const uint8_t>& nal) noexcept {
  if (lengthSize_ != 1 && lengthSize_ != 2 && lengthSize_ != 4) return Error::malformed("nal length size");
  if (pos_ == data_.size()) return false;
  if (data_.size() - pos_ < lengthSize_) return Error::truncated("nal length prefix");
  uint32_t len = 0;
  for (uint8_t i = 0; i < lengthSize_; ++i) len = len << 8 | data_[pos_ + i];
  pos_ += lengthSize_;
  if (len > data_.size() - pos_) return Error::truncated("nal unit longer than its payload");
  nal = data_.subspan(pos_, len);
  pos_ += len;
  return true;
}

size_t avccSizeOfAnnexB(std::span<const uint8_t> stream) noexcept {
  size_t n = 0;
  payload::AnnexBReader it(stream);
  std::span<const uint8_t> nal;
  while (it.next(nal)) n += 4 + nal.size();
  return n;
}

Result<size_t> annexBToAvcc(std::span<const uint8_t> stream, std::span<uint8_t> out) noexcept {
  ByteWriter w(out);
  payload::AnnexBReader it(stream);
  std::span<const uint8_t> nal;
  while (it.next(nal)) {
    w.writeU32(static_cast<uint32_t>(nal.size()));
    w.writeBytes(nal);
  }
  if (w.overflowed()) return Error::noSpace("avcc output");
  return w.size();
}

Result<size_t> avccToAnnexB(std::span<const uint8_t> payload, uint8_t lengthSize,
                            std::span<uint8_t> out) noexcept {
  ByteWriter w(out);
  AvccIterator it(payload, lengthSize);
  std::span<const uint8_t> nal;
  for (;;) {
    auto more = it.next(nal);
    if (!more.ok()) return more.error();
    if (!*more) break;
    w.writeU32(1);  // 00 00 00 01
    w.writeBytes(nal);
  }
  if (w.overflowed()) return Error::noSpace("annex b output");
  return w.size();
}

}  // namespace rtcgate::wire::rtmp
