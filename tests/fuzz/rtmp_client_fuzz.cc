// Fuzz target: an RTMP publishing client after a valid handshake, fed arbitrary "server"
// bytes in splits chosen by the first input byte. The client must never crash, must report
// a close exactly once, and must emit nothing after it closed. The seed corpus walks the
// connect → createStream → publish replies so the fuzzer starts from the publishing state.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "transport/rtmp/rtmp_client_session.h"
#include "wire/rtmp/handshake.h"

using namespace rtcgate::transport::rtmp;
using rtcgate::wire::rtmp::Amf0Value;
using rtcgate::wire::rtmp::Handshake;

namespace {

struct Sink : RtmpClientSessionListener {
  std::vector<uint8_t> sent;
  int closes = 0;
  void onRtmpClientSend(std::span<const uint8_t> b) override {
    if (closes != 0) std::abort();
    sent.insert(sent.end(), b.begin(), b.end());
  }
  void onRtmpClientPublishing() override {
    if (closes != 0) std::abort();
  }
  void onRtmpClientClosed(std::string_view reason) override {
    if (reason.empty()) std::abort();
    ++closes;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Sink sink;
  RtmpClientConfig config;
  config.app = "live";
  config.tcUrl = "rtmp://127.0.0.1:1935/live";
  config.streamKey = "key";
  RtmpClientSession client(config, sink, 0, {});
  client.start();
  // A server's S0+S1+S2 (the client accepts any S2).
  Handshake server(Handshake::Role::kServer, 0, {});
  if (!server.feed(sink.sent).ok()) std::abort();
  client.onBytes(server.output());
  if (client.state() != RtmpClientState::kConnecting) std::abort();

  const std::span<const uint8_t> bytes(data + 1, size - 1);
  uint32_t rng = data[0] | 1u;
  size_t pos = 0;
  while (pos < bytes.size()) {
    rng = rng * 1103515245u + 12345u;
    const size_t n = data[0] == 0 ? bytes.size() : std::min<size_t>(1 + (rng >> 16) % 97, bytes.size() - pos);
    client.onBytes(bytes.subspan(pos, n));
    pos += n;
  }
  const uint8_t tag[] = {0x17, 0x01, 0, 0, 0};
  const bool publishing = client.publishing();
  if (client.sendVideo(40, tag).ok() != publishing) std::abort();
  if (client.sendAudio(40, tag).ok() != publishing) std::abort();
  if (client.sendMetadata(Amf0Value::object()).ok() != publishing) std::abort();
  client.close("end");
  client.onEof();
  if (sink.closes != 1) std::abort();
  return 0;
}
