#include "wire/tls/client_hello.h"

namespace rtcgate::wire::tls {

namespace {

constexpr uint8_t kHandshakeRecord = 22;
constexpr uint8_t kClientHello = 1;
constexpr uint16_t kServerNameExtension = 0;
constexpr uint16_t kAlpnExtension = 16;
constexpr size_t kMaxRecord = 16384 + 256;  // a TLSPlaintext fragment, with slack for old stacks

// A bounds-checked reader over one span; a short read leaves it failed.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  bool ok() const noexcept { return ok_; }
  size_t left() const noexcept { return b_.size() - pos_; }
  uint32_t u8() { return take(1) ? b_[pos_ - 1] : 0; }
  uint32_t u16() { return take(2) ? (uint32_t{b_[pos_ - 2]} << 8) | b_[pos_ - 1] : 0; }
  uint32_t u24() {
    return take(3) ? (uint32_t{b_[pos_ - 3]} << 16) | (uint32_t{b_[pos_ - 2]} << 8) | b_[pos_ - 1] : 0;
  }
  std::span<const uint8_t> bytes(size_t n) { return take(n) ? b_.subspan(pos_ - n, n) : std::span<const uint8_t>{}; }
  // A vector with a 1- or 2-byte length prefix.
  std::span<const uint8_t> vec8() { return bytes(u8()); }
  std::span<const uint8_t> vec16() { return bytes(u16()); }

 private:
  bool take(size_t n) {
    if (!ok_ || left() < n) {
      ok_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }
  std::span<const uint8_t> b_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::string text(std::span<const uint8_t> b) { return std::string(b.begin(), b.end()); }

bool readServerName(std::span<const uint8_t> data, ClientHelloInfo& info) {
  Reader r(data);
  Reader list(r.vec16());
  while (list.ok() && list.left() > 0) {
    const uint32_t type = list.u8();
    const auto name = list.vec16();
    if (!list.ok()) return false;
    if (type == 0 && info.serverName.empty()) info.serverName = text(name);  // host_name
  }
  return r.ok() && list.ok();
}

bool readAlpn(std::span<const uint8_t> data, ClientHelloInfo& info) {
  Reader r(data);
  Reader list(r.vec16());
  while (list.ok() && list.left() > 0) {
    const auto name = list.vec8();
    if (!list.ok() || name.empty()) return false;  // RFC 7301 §3.1: names are not empty
    if (info.alpn.size() < 32) info.alpn.push_back(text(name));
  }
  return r.ok() && list.ok();
}

}  // namespace

HelloStatus parseClientHello(std::span<const uint8_t> bytes, ClientHelloInfo& info) {
  info = {};
  // The record header: type, legacy version 3.x, length.
  if (bytes.empty()) return HelloStatus::kNeedMore;
  if (bytes[0] != kHandshakeRecord) return HelloStatus::kNotTls;
  if (bytes.size() >= 2 && bytes[1] != 3) return HelloStatus::kNotTls;
  if (bytes.size() < 5) return HelloStatus::kNeedMore;
  const size_t recordLength = (size_t{bytes[3]} << 8) | bytes[4];
  if (recordLength < 4 || recordLength > kMaxRecord) return HelloStatus::kNotTls;
  if (bytes.size() >= 6 && bytes[5] != kClientHello) return HelloStatus::kNotTls;
  if (bytes.size() < 5 + recordLength) return HelloStatus::kNeedMore;

  Reader record(bytes.subspan(5, recordLength));
  record.u8();  // msg_type, checked above
  const size_t bodyLength = record.u24();
  if (bodyLength > record.left()) return HelloStatus::kNotTls;  // split over records: not supported
  Reader hello(record.bytes(bodyLength));
  hello.u16();        // legacy_version
  hello.bytes(32);    // random
  hello.vec8();       // legacy_session_id
  hello.vec16();      // cipher_suites
  hello.vec8();       // legacy_compression_methods
  if (!hello.ok()) return HelloStatus::kNotTls;
  if (hello.left() == 0) return HelloStatus::kComplete;  // no extensions at all
  Reader extensions(hello.vec16());
  while (extensions.ok() && extensions.left() > 0) {
    const uint32_t type = extensions.u16();
    const auto data = extensions.vec16();
    if (!extensions.ok()) break;
    if (type == kServerNameExtension && !readServerName(data, info)) return HelloStatus::kNotTls;
    if (type == kAlpnExtension && !readAlpn(data, info)) return HelloStatus::kNotTls;
  }
  return hello.ok() && extensions.ok() ? HelloStatus::kComplete : HelloStatus::kNotTls;
}

}  // namespace rtcgate::wire::tls
