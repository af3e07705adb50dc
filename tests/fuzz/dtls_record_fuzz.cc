// Fuzzes the DTLS record and handshake header parsers (wire/dtls/record.h): every record
// that parses must serialize back to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "wire/dtls/record.h"

using namespace rtcgate::wire::dtls;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> datagram(data, size);
  (void)validateDatagram(datagram);
  (void)peekClientHello(datagram);
  static std::vector<uint8_t> out(kRecordHeaderSize + kMaxFragmentLength);
  RecordIterator it(datagram);
  Record rec;
  size_t offset = 0;
  while (it.next(rec)) {
    auto n = rec.serializeTo(out);
    if (!n || *n != rec.sizeOnWire() || std::memcmp(out.data(), data + offset, *n) != 0) std::abort();
    offset = it.consumed();
    if (rec.type == ContentType::kHandshake && rec.epoch == 0) {
      auto hs = HandshakeHeader::parse(rec.fragment);
      if (hs && hs->body.size() != hs->fragmentLength) std::abort();
    }
  }
  if (it.error() == nullptr && offset != size) std::abort();
  return 0;
}
