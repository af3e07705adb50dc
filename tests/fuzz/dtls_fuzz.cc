// Fuzzes a server DtlsEngine with datagrams: the input is a sequence of
// [u16 big-endian length][datagram] frames (a short last frame takes what is left). The
// corpus holds real client flights, so mutations reach deep into OpenSSL's handshake.
// A fresh engine per input keeps iterations independent; the certificate and SSL_CTX are
// shared through a static, as a worker shares them.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "base/byte_reader.h"
#include "base/clock.h"
#include "crypto/dtls/dtls_engine.h"

using namespace rtcgate::crypto::dtls;

namespace {

struct NullListener : DtlsListener {
  void onDtlsSend(std::span<const uint8_t>) override {}
  void onDtlsConnected(const DtlsKeys&) override {}
  void onDtlsFailed(std::string_view) override {}
  void onDtlsClosed() override {}
  void onDtlsApplicationData(std::span<const uint8_t>) override {}
};

DtlsContext& sharedContext() {
  static std::unique_ptr<DtlsContext> ctx = [] {
    auto cert = Certificate::generate();
    if (!cert) std::abort();
    auto c = DtlsContext::create(std::shared_ptr<const Certificate>(std::move(cert).value()));
    if (!c) std::abort();
    return std::move(c).value();
  }();
  return *ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rtcgate::FakeClock clock;
  NullListener listener;
  DtlsEngine engine(sharedContext(), DtlsRole::kServer, clock, listener);
  rtcgate::ByteReader r({data, size});
  while (!r.empty()) {
    uint16_t len = 0;
    std::span<const uint8_t> datagram;
    if (!r.readU16(len)) break;
    if (!r.readBytes(len, datagram)) r.readBytes(r.remaining(), datagram);
    (void)engine.onData(datagram);
    clock.advanceMs(10);
  }
  (void)engine.nextTimeoutUs();
  engine.onTimer();
  engine.close();
  return 0;
}
