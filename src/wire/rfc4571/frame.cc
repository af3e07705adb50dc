#include "wire/rfc4571/frame.h"

#include <algorithm>
#include <cstring>

namespace rtcgate::wire::rfc4571 {

Result<uint16_t> peekLength(std::span<const uint8_t> stream) noexcept {
  if (stream.size() < kHeaderSize) return Error::truncated("RFC 4571 header incomplete");
  return static_cast<uint16_t>((stream[0] << 8) | stream[1]);
}

Result<Frame> parseFrame(std::span<const uint8_t> stream) noexcept {
  auto length = peekLength(stream);
  if (!length) return length.error();
  if (stream.size() - kHeaderSize < *length) return Error::truncated("RFC 4571 frame incomplete");
  return Frame{stream.subspan(kHeaderSize, *length), kHeaderSize + *length};
}

Result<size_t> writeHeader(std::span<uint8_t> out, size_t payloadSize) noexcept {
  if (payloadSize > kMaxPayload) return Error::malformed("RFC 4571 frame longer than 65535 bytes");
  if (out.size() < kHeaderSize) return Error::noSpace("no room for the RFC 4571 header");
  out[0] = static_cast<uint8_t>(payloadSize >> 8);
  out[1] = static_cast<uint8_t>(payloadSize);
  return kHeaderSize;
}

Result<size_t> serializeTo(std::span<uint8_t> out, std::span<const uint8_t> payload) noexcept {
  auto header = writeHeader(out, payload.size());
  if (!header) return header.error();
  if (out.size() - kHeaderSize < payload.size()) return Error::noSpace("no room for the RFC 4571 frame");
  if (!payload.empty()) std::memcpy(out.data() + kHeaderSize, payload.data(), payload.size());
  return kHeaderSize + payload.size();
}

FrameReader::FrameReader(std::span<uint8_t> storage, size_t maxPayload) noexcept
    : storage_(storage),
      maxPayload_(std::min({maxPayload, kMaxPayload, storage.size() > kHeaderSize ? storage.size() - kHeaderSize : 0})) {}

void FrameReader::compact() noexcept {
  if (begin_ == 0) return;
  const size_t n = end_ - begin_;
  if (n > 0) std::memmove(storage_.data(), storage_.data() + begin_, n);
  begin_ = 0;
  end_ = n;
}

std::span<uint8_t> FrameReader::writable() noexcept {
  compact();
  return storage_.subspan(end_);
}

void FrameReader::commit(size_t n) noexcept { end_ = std::min(end_ + n, storage_.size()); }

size_t FrameReader::feed(std::span<const uint8_t> bytes) noexcept {
  auto room = writable();
  const size_t n = std::min(room.size(), bytes.size());
  if (n > 0) std::memcpy(room.data(), bytes.data(), n);
  commit(n);
  return n;
}

FrameReader::Next FrameReader::next() noexcept {
  const auto pending = std::span<const uint8_t>(storage_.data() + begin_, end_ - begin_);
  auto length = peekLength(pending);
  if (!length) return {};
  if (*length > maxPayload_) return {Status::kTooLarge, {}};
  auto frame = parseFrame(pending);
  if (!frame) return {};
  begin_ += frame->wireSize;
  return {Status::kFrame, frame->payload};
}

}  // namespace rtcgate::wire::rfc4571
