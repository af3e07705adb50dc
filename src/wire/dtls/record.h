#pragma once
// DTLS 1.2 record layer and handshake header views (RFC 6347 §4.1, §4.2.2), used to reject
// garbage before it reaches OpenSSL and to look at flights in tests and fuzzers.

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::dtls {

// TLS ContentType values allowed on a DTLS 1.2 record (RFC 5246 §6.2.1).
enum class ContentType : uint8_t {
  kChangeCipherSpec = 20,
  kAlert = 21,
  kHandshake = 22,
  kApplicationData = 23,
};

// Handshake message types we look at (RFC 6347 §4.2.2, RFC 5246 §7.4).
enum class HandshakeType : uint8_t {
  kClientHello = 1,
  kServerHello = 2,
  kHelloVerifyRequest = 3,
  kCertificate = 11,
  kServerKeyExchange = 12,
  kCertificateRequest = 13,
  kServerHelloDone = 14,
  kCertificateVerify = 15,
  kClientKeyExchange = 16,
  kFinished = 20,
};

constexpr size_t kRecordHeaderSize = 13;     // type, version, epoch, seq(48), length
constexpr size_t kHandshakeHeaderSize = 12;  // type, length, message_seq, frag off, frag len
constexpr uint16_t kDtls10Version = 0xfeff;
constexpr uint16_t kDtls12Version = 0xfefd;
// RFC 6347 §4.1 (via RFC 5246 §6.2.3): a ciphertext fragment is at most 2^14 + 2048 bytes.
constexpr size_t kMaxFragmentLength = 16384 + 2048;
constexpr uint64_t kMaxSequenceNumber = (uint64_t{1} << 48) - 1;

// RFC 7983 §7: a datagram whose first byte is in [20, 63] is DTLS.
constexpr bool looksLikeDtls(std::span<const uint8_t> datagram) noexcept {
  return !datagram.empty() && datagram[0] >= 20 && datagram[0] <= 63;
}

// One DTLSPlaintext/DTLSCiphertext record (RFC 6347 §4.1), a view into the datagram.
struct Record {
  ContentType type = ContentType::kHandshake;
  uint16_t version = kDtls12Version;
  uint16_t epoch = 0;
  uint64_t sequence = 0;  // 48 bits
  std::span<const uint8_t> fragment;

  // Parses the first record of `data`; the record may be followed by more bytes.
  static Result<Record> parse(std::span<const uint8_t> data) noexcept;
  size_t sizeOnWire() const noexcept { return kRecordHeaderSize + fragment.size(); }
  // Writes header + fragment; returns the bytes written.
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
};

// Walks the records of one datagram (RFC 6347 §4.1.1: several records may share one).
// After next() returns false, error() tells whether the datagram ended cleanly.
class RecordIterator {
 public:
  explicit RecordIterator(std::span<const uint8_t> datagram) noexcept : rest_(datagram) {}
  bool next(Record& out) noexcept;
  // Null when the iteration stopped at the end of the datagram.
  const Error* error() const noexcept { return failed_ ? &error_ : nullptr; }
  // Byte offset of the next unread record.
  size_t consumed() const noexcept { return consumed_; }

 private:
  std::span<const uint8_t> rest_;
  size_t consumed_ = 0;
  bool failed_ = false;
  Error error_{};
};

// Checks that a datagram is a sequence of whole, well-formed DTLS records and nothing else.
// Returns the number of records.
Result<size_t> validateDatagram(std::span<const uint8_t> datagram) noexcept;

// The handshake message header of RFC 6347 §4.2.2, with the fragment it carries.
struct HandshakeHeader {
  HandshakeType type = HandshakeType::kClientHello;
  uint32_t length = 0;  // of the whole message (24 bits)
  uint16_t messageSeq = 0;
  uint32_t fragmentOffset = 0;    // 24 bits
  uint32_t fragmentLength = 0;    // 24 bits
  std::span<const uint8_t> body;  // fragmentLength bytes

  // Parses the first handshake message of a plaintext handshake record's fragment.
  static Result<HandshakeHeader> parse(std::span<const uint8_t> fragment) noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
};

// The ClientHello header in the first record of a datagram, if that record is an epoch-0
// handshake record carrying a ClientHello (fragmented or not).
Result<HandshakeHeader> peekClientHello(std::span<const uint8_t> datagram) noexcept;

}  // namespace rtcgate::wire::dtls
