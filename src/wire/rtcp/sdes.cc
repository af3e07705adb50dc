#include "wire/rtcp/sdes.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

namespace {

// Parses the items of one chunk starting after its SSRC; returns bytes consumed through
// the null terminator and the padding to the next 32-bit boundary.
Result<size_t> parseItems(std::span<const uint8_t> data, SdesChunk& chunk) noexcept {
  size_t pos = 0;
  while (true) {
    if (pos >= data.size()) return Error::truncated("rtcp: SDES chunk without terminator");
    const uint8_t type = data[pos];
    if (type == 0) break;
    if (pos + 2 > data.size()) return Error::truncated("rtcp: SDES item header");
    const size_t len = data[pos + 1];
    if (pos + 2 + len > data.size()) return Error::truncated("rtcp: SDES item value");
    if (chunk.itemCount < SdesChunk::kMaxItems) {
      chunk.items[chunk.itemCount++] = SdesItem{type, data.subspan(pos + 2, len)};
    }
    pos += 2 + len;
  }
  // Null item, then pad so that SSRC(4) + items ends on a 32-bit boundary.
  const size_t end = ((4 + pos + 1 + 3) & ~size_t{3}) - 4;
  if (end > data.size()) return Error::truncated("rtcp: SDES chunk padding");
  return end;
}

}  // namespace

bool SdesChunk::addItem(SdesType type, std::string_view text) noexcept {
  if (itemCount >= kMaxItems || type == SdesType::kEnd || text.size() > 255) return false;
  items[itemCount++] =
      SdesItem{static_cast<uint8_t>(type), {reinterpret_cast<const uint8_t*>(text.data()), text.size()}};
  return true;
}

std::string_view SdesChunk::cname() const noexcept {
  for (size_t i = 0; i < itemCount; ++i) {
    if (items[i].type == static_cast<uint8_t>(SdesType::kCname)) return items[i].text();
  }
  return {};
}

size_t SdesChunk::size() const noexcept {
  size_t n = 4;
  for (size_t i = 0; i < itemCount; ++i) n += 2 + items[i].value.size();
  return (n + 1 + 3) & ~size_t{3};
}

SdesChunk* Sdes::addChunk(uint32_t ssrc) noexcept {
  if (count >= kMaxChunks) return nullptr;
  SdesChunk& c = chunks[count++];
  c = SdesChunk{};
  c.ssrc = ssrc;
  return &c;
}

bool Sdes::addCname(uint32_t ssrc, std::string_view cname) noexcept {
  SdesChunk* c = addChunk(ssrc);
  return c && c->addItem(SdesType::kCname, cname);
}

Result<Sdes> Sdes::parse(std::span<const uint8_t> packet) noexcept {
  auto h = RtcpHeader::parse(packet);
  if (!h.ok()) return h.error();
  if (h->packetType != static_cast<uint8_t>(PacketType::kSdes)) return Error::malformed("rtcp: not SDES");
  Sdes s;
  auto body = h->body;
  for (size_t i = 0; i < h->count; ++i) {
    if (body.size() < 4) return Error::truncated("rtcp: SDES chunk SSRC");
    SdesChunk& c = s.chunks[s.count++];
    c.ssrc = loadU32(body.data());
    auto used = parseItems(body.subspan(4), c);
    if (!used.ok()) return used.error();
    body = body.subspan(4 + *used);
  }
  return s;
}

size_t Sdes::size() const noexcept {
  size_t n = kHeaderSize;
  for (size_t i = 0; i < count; ++i) n += chunks[i].size();
  return n;
}

bool Sdes::serializeTo(ByteWriter& w) const noexcept {
  if (!RtcpHeader::write(w, count, static_cast<uint8_t>(PacketType::kSdes), size())) return false;
  for (size_t i = 0; i < count; ++i) {
    const SdesChunk& c = chunks[i];
    const size_t start = w.size();
    w.writeU32(c.ssrc);
    for (size_t j = 0; j < c.itemCount; ++j) {
      w.writeU8(c.items[j].type);
      w.writeU8(static_cast<uint8_t>(c.items[j].value.size()));
      w.writeBytes(c.items[j].value);
    }
    w.writeZeros(c.size() - (w.size() - start));  // null item + padding
  }
  return !w.overflowed();
}

}  // namespace rtcgate::wire::rtcp
