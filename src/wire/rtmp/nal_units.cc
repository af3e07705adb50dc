#include "wire/rtmp/nal_units.h"

#include "base/byte_writer.h"

namespace rtcgate::wire::rtmp {
namespace {

// Offset just past the next 00 00 01 at or after `from`, or data.size().
size_t findStartCodeEnd(std::span<const uint8_t> data, size_t from) noexcept {
  for (size_t i = from; i + 3 <= data.size(); ++i) {
    if (data[i + 2] > 1) {
      i += 2;  // no start code can end before i + 3
      continue;
    }
    if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) return i + 3;
  }
  return data.size();
}

}  // namespace

AnnexBIterator::AnnexBIterator(std::span<const uint8_t> stream) noexcept
    : data_(stream), pos_(findStartCodeEnd(stream, 0)) {}

bool AnnexBIterator::next(std::span<const uint8_t>& nal) noexcept {
  while (pos_ < data_.size()) {
    const size_t nextEnd = findStartCodeEnd(data_, pos_);
    size_t end = nextEnd == data_.size() ? data_.size() : nextEnd - 3;
    // Zero bytes before a start code are zero_byte / trailing_zero_8bits, not NAL data.
    while (end > pos_ && data_[end - 1] == 0) --end;
    const size_t begin = pos_;
    pos_ = nextEnd;
    if (end > begin) {
      nal = data_.subspan(begin, end - begin);
      return true;
    }
  }
  return false;
}

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
  AnnexBIterator it(stream);
  std::span<const uint8_t> nal;
  while (it.next(nal)) n += 4 + nal.size();
  return n;
}

Result<size_t> annexBToAvcc(std::span<const uint8_t> stream, std::span<uint8_t> out) noexcept {
  ByteWriter w(out);
  AnnexBIterator it(stream);
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
