// Fuzzes the SCTP association and the data channels on it, established first by a real
// handshake (INIT, INIT ACK, COOKIE ECHO, COOKIE ACK) so that the input reaches the
// established state: the input is a series of packets (2-byte length, then the chunks),
// each sent with the right tag and checksum, with time moving between them. Whatever the
// peer sends, buffers stay bounded and nothing crashes.
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "transport/sctp/data_channels.h"
#include "wire/sctp/crc32c.h"
#include "wire/sctp/init_chunk.h"
#include "wire/sctp/packet.h"

using namespace rtcgate::transport::sctp;
using namespace rtcgate::wire::sctp;

namespace {

struct Sink final : DataChannelsListener {
  std::vector<std::vector<uint8_t>> out;
  void onDataChannelsSend(std::span<const uint8_t> p) override { out.emplace_back(p.begin(), p.end()); }
  void onDataChannelOpen(const DataChannelInfo&) override {}
  void onDataChannelMessage(const DataChannelInfo&, bool, std::vector<uint8_t>&&) override {}
  void onDataChannelClosed(const DataChannelInfo&, std::string_view) override {}
  void onDataChannelsEnded(std::string_view) override {}
};

std::vector<uint8_t> packetOf(uint32_t tag, std::span<const uint8_t> chunks) {
  std::vector<uint8_t> p(kCommonHeaderSize + chunks.size());
  p[0] = 0x13, p[1] = 0x88, p[2] = 0x13, p[3] = 0x88;  // ports 5000
  for (int i = 0; i < 4; ++i) p[4 + i] = static_cast<uint8_t>(tag >> (24 - 8 * i));
  if (!chunks.empty()) std::memcpy(p.data() + kCommonHeaderSize, chunks.data(), chunks.size());
  const uint32_t crc = crc32c(p);
  for (int i = 0; i < 4; ++i) p[8 + i] = static_cast<uint8_t>(crc >> (8 * i));
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Sink sink;
  DataChannelsConfig config;
  config.maxBufferedPerChannel = 64 * 1024;
  config.sctp.receiveWindow = 64 * 1024;
  config.sctp.maxMessageSize = 32 * 1024;
  DataChannels dc(config, sink);
  int64_t now = 1'000'000;

  // The handshake, as a browser does it.
  std::vector<uint8_t> buf(512);
  PacketWriter w(buf, 5000, 5000, 0);
  InitChunk init;
  init.initiateTag = 0x01020304;
  init.advertisedWindow = 65536;
  init.outboundStreams = init.inboundStreams = 1024;
  init.initialTsn = 100;
  init.forwardTsn = init.reconfig = true;
  if (!init.writeTo(w, ChunkType::kInit)) return 0;
  auto first = w.seal();
  dc.onPacket(first, now);
  if (sink.out.empty()) __builtin_trap();
  auto ackPacket = PacketView::parse(sink.out.back());
  if (!ackPacket.ok()) __builtin_trap();
  auto ack = InitChunk::parse(ackPacket->chunks[0].value);
  if (!ack.ok()) __builtin_trap();
  const uint32_t tag = ack->initiateTag;
  std::vector<uint8_t> echo((4 + ack->cookie.size() + 3) & ~size_t{3}, 0);
  echo[0] = static_cast<uint8_t>(ChunkType::kCookieEcho);
  echo[2] = static_cast<uint8_t>((4 + ack->cookie.size()) >> 8);
  echo[3] = static_cast<uint8_t>(4 + ack->cookie.size());
  std::memcpy(echo.data() + 4, ack->cookie.data(), ack->cookie.size());
  dc.onPacket(packetOf(tag, echo), now);
  if (!dc.ready()) __builtin_trap();

  // Then what the input says, and now and then a message of ours and a timer.
  size_t pos = 0;
  while (pos + 2 <= size) {
    const size_t n = std::min<size_t>(size - pos - 2, (size_t{data[pos]} << 8 | data[pos + 1]) % 2048);
    pos += 2;
    dc.onPacket(packetOf(tag, {data + pos, n}), now);
    pos += n;
    now += 7'000;
    if (auto t = dc.nextTimeoutUs(); t && *t <= now) dc.onTimer(now);
    for (const auto& [id, c] : dc.channels()) {
      (void)dc.send(id, true, std::make_shared<const std::vector<uint8_t>>(100, 0x55), now);
      break;
    }
    sink.out.clear();
    if (!dc.ready()) break;
  }
  if (dc.association().sender() && dc.association().sender()->bufferedBytes() > 64 * 1024 * 1024) __builtin_trap();
  return 0;
}
