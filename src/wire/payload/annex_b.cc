#include "wire/payload/annex_b.h"

namespace rtcgate::wire::payload {
namespace {

// Offset just past the first 00 00 01 at or after `from`, or data.size() if none.
size_t afterStartCode(std::span<const uint8_t> data, size_t from) noexcept {
  for (size_t i = from; i + 2 < data.size(); ++i) {
    if (data[i + 2] > 1) {
      i += 2;  // no start code can end at i+2 or include it
      continue;
    }
    if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) return i + 3;
  }
  return data.size();
}

}  // namespace

AnnexBReader::AnnexBReader(std::span<const uint8_t> annexB) noexcept
    : data_(annexB), pos_(afterStartCode(annexB, 0)) {}

bool AnnexBReader::atEnd() const noexcept {
  AnnexBReader copy = *this;
  std::span<const uint8_t> nal;
  return !copy.next(nal);
}

bool AnnexBReader::next(std::span<const uint8_t>& nal) noexcept {
  while (pos_ < data_.size()) {
    const size_t start = pos_;
    const size_t nextStart = afterStartCode(data_, start);
    size_t end = nextStart == data_.size() ? data_.size() : nextStart - 3;
    pos_ = nextStart;
    while (end > start && data_[end - 1] == 0) --end;
    if (end > start) {
      nal = data_.subspan(start, end - start);
      return true;
    }
  }
  return false;
}

}  // namespace rtcgate::wire::payload
