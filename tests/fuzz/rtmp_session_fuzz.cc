// Fuzz target: an RTMP server session after a valid handshake, fed arbitrary bytes in
// splits chosen by the first input byte. The session must never crash, must report a
// close at most once, and must emit nothing after it closed. Keys starting with 'p'
// are accepted so the fuzzer can reach the publish and play states.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "transport/rtmp/rtmp_server_session.h"
#include "wire/rtmp/handshake.h"

using namespace rtcgate::transport::rtmp;
using rtcgate::wire::rtmp::Amf0Value;
using rtcgate::wire::rtmp::Handshake;

namespace {

struct Sink : RtmpServerSessionListener {
  std::vector<uint8_t> sent;
  int closes = 0;
  void onRtmpSend(std::span<const uint8_t> b) override {
    if (closes != 0) std::abort();
    sent.insert(sent.end(), b.begin(), b.end());
  }
  RtmpDecision onRtmpPublish(std::string_view, std::string_view key) override {
    return !key.empty() && key[0] == 'p' ? RtmpDecision::kAccept : RtmpDecision::kReject;
  }
  RtmpDecision onRtmpPlay(std::string_view app, std::string_view key) override { return onRtmpPublish(app, key); }
  void onRtmpMetadata(const Amf0Value&) override {}
  void onRtmpVideo(uint32_t, std::span<const uint8_t>) override {}
  void onRtmpAudio(uint32_t, std::span<const uint8_t>) override {}
  void onRtmpClosed(std::string_view) override { ++closes; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Sink sink;
  RtmpServerConfig config;
  config.readerLimits.maxMessageSize = 1 << 20;
  RtmpServerSession session(config, sink, 0, {});
  Handshake client(Handshake::Role::kClient, 0, {});
  session.onBytes(client.output());
  client.consumeOutput(client.output().size());
  if (!client.feed(sink.sent).ok() || !client.done()) std::abort();
  session.onBytes(client.output());
  if (session.state() != RtmpSessionState::kAwaitingConnect) std::abort();

  const std::span<const uint8_t> bytes(data + 1, size - 1);
  uint32_t rng = data[0] | 1u;
  size_t pos = 0;
  while (pos < bytes.size()) {
    rng = rng * 1103515245u + 12345u;
    const size_t n = data[0] == 0 ? bytes.size() : std::min<size_t>(1 + (rng >> 16) % 97, bytes.size() - pos);
    session.onBytes(bytes.subspan(pos, n));
    pos += n;
  }
  const uint8_t tag[] = {0x17, 0x01, 0, 0, 0};
  (void)session.sendVideo(0, tag);
  session.onEof();
  if (sink.closes != 1) std::abort();
  return 0;
}
