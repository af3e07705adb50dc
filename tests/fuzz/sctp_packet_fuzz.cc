// Fuzzes the SCTP wire codecs: a packet is parsed without its checksum mattering (the
// input's checksum is fixed up first, so every chunk parser is reached), then every chunk
// by its type; what parses must write back and parse again to the same values. DCEP
// messages are the payload of DATA chunks.
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "wire/sctp/crc32c.h"
#include "wire/sctp/data_chunk.h"
#include "wire/sctp/dcep.h"
#include "wire/sctp/forward_tsn_chunk.h"
#include "wire/sctp/init_chunk.h"
#include "wire/sctp/packet.h"
#include "wire/sctp/reconfig_chunk.h"
#include "wire/sctp/sack_chunk.h"

using namespace rtcgate::wire::sctp;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void sealChecksum(std::vector<uint8_t>& p) {
  if (p.size() < kCommonHeaderSize) return;
  std::memset(p.data() + 8, 0, 4);
  const uint32_t crc = crc32c(p);
  for (int i = 0; i < 4; ++i) p[8 + i] = static_cast<uint8_t>(crc >> (8 * i));
}

void chunk(const ChunkView& c) {
  std::vector<uint8_t> buf(70000);
  PacketWriter w(buf, 1, 2, 3);
  switch (static_cast<ChunkType>(c.type)) {
    case ChunkType::kData: {
      auto d = DataChunk::parse(c);
      if (!d.ok()) return;
      (void)DcepOpen::parse(d->payload);
      (void)dcepTypeOf(d->payload);
      check(d->writeTo(w));
      auto again = PacketView::parse(w.seal());
      check(again.ok() && again->chunkCount == 1);
      auto d2 = DataChunk::parse(again->chunks[0]);
      check(d2.ok() && d2->tsn == d->tsn && d2->payload.size() == d->payload.size());
      break;
    }
    case ChunkType::kInit:
    case ChunkType::kInitAck: {
      auto i = InitChunk::parse(c.value);
      if (!i.ok()) return;
      check(i->writeTo(w, static_cast<ChunkType>(c.type)) || i->cookie.size() > 60000);
      break;
    }
    case ChunkType::kSack: {
      auto s = SackChunk::parse(c.value);
      if (!s.ok()) return;
      check(s->writeTo(w));
      auto again = PacketView::parse(w.seal());
      check(again.ok());
      auto s2 = SackChunk::parse(again->chunks[0].value);
      check(s2.ok() && s2->cumulativeTsnAck == s->cumulativeTsnAck && s2->gapCount == s->gapCount);
      break;
    }
    case ChunkType::kForwardTsn: {
      auto f = ForwardTsnChunk::parse(c.value);
      if (!f.ok()) return;
      check(f->writeTo(w));
      break;
    }
    case ChunkType::kReconfig: {
      auto r = ReconfigChunk::parse(c.value);
      if (!r.ok()) return;
      (void)r->writeTo(w);  // only the parameters we send can be written
      break;
    }
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> packet(data, data + size);
  sealChecksum(packet);
  auto p = PacketView::parse(packet);
  if (!p.ok()) return 0;
  for (const ChunkView& c : p->items()) chunk(c);
  return 0;
}
