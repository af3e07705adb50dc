// Fuzz target: the RTMP chunk reader on arbitrary bytes fed whole and in arbitrary splits
// (both must give the same messages and the same verdict), every reassembled control
// message parsed, and each message re-chunked by the writer and read back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "wire/rtmp/chunk_reader.h"
#include "wire/rtmp/chunk_writer.h"
#include "wire/rtmp/protocol_control.h"

using namespace rtcgate::wire::rtmp;

namespace {

struct Owned {
  MessageHeader header;
  std::vector<uint8_t> payload;
  bool operator==(const Owned&) const = default;
};

void touchControl(const Message& m) {
  switch (m.type()) {
    case MessageType::kAcknowledgement:
      (void)Acknowledgement::parse(m.payload);
      break;
    case MessageType::kUserControl:
      (void)UserControl::parse(m.payload);
      break;
    case MessageType::kWindowAckSize:
      (void)WindowAckSize::parse(m.payload);
      break;
    case MessageType::kSetPeerBandwidth:
      (void)SetPeerBandwidth::parse(m.payload);
      break;
    default:
      break;
  }
}

// Reads all of `bytes` in pieces whose sizes come from `seed`; false if the reader failed.
bool readAll(std::span<const uint8_t> bytes, uint8_t seed, std::vector<Owned>& out) {
  ChunkReaderLimits limits;
  limits.maxMessageSize = 1 << 20;
  ChunkReader reader(limits);
  uint32_t state = seed | 1u;
  size_t pos = 0;
  while (pos < bytes.size()) {
    state = state * 1103515245u + 12345u;
    const size_t n = seed == 0 ? bytes.size() : std::min<size_t>(1 + (state >> 16) % 64, bytes.size() - pos);
    std::span<const uint8_t> in = bytes.subspan(pos, n);
    pos += n;
    while (!in.empty()) {
      auto m = reader.read(in);
      if (!m.ok()) return false;
      if (*m) {
        touchControl(**m);
        out.push_back({(*m)->header, {(*m)->payload.begin(), (*m)->payload.end()}});
      }
    }
  }
  return true;
}

void rechunk(const std::vector<Owned>& msgs) {
  ChunkWriter writer;
  std::vector<uint8_t> bytes;
  std::vector<Owned> sent;
  for (const auto& m : msgs) {
    if (m.header.typeId == 1 || m.header.typeId == 2) continue;  // would change the reader's state
    if (!writer.append(m.header, m.payload, bytes).ok()) std::abort();
    sent.push_back(m);
  }
  std::vector<Owned> back;
  if (!readAll(bytes, 0, back) || back != sent) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::span<const uint8_t> bytes(data + 1, size - 1);
  std::vector<Owned> whole;
  std::vector<Owned> split;
  const bool okWhole = readAll(bytes, 0, whole);
  const bool okSplit = readAll(bytes, data[0] == 0 ? 1 : data[0], split);
  if (okWhole != okSplit || whole != split) std::abort();
  rechunk(whole);
  return 0;
}
