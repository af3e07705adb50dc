#pragma once
// STUN message authentication: MESSAGE-INTEGRITY (RFC 8489 §14.5) and FINGERPRINT (§14.7).

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "base/result.h"
#include "wire/stun/message.h"

struct evp_mac_ctx_st;

namespace rtcgate::wire::stun {

// An HMAC-SHA1 context keyed once with a short-term credential (the ICE password, §9.1.1),
// so each message costs only the MAC itself. Not thread-safe: one per agent. OpenSSL 3.0's
// HMAC re-init still duplicates two digest contexts internally (two small mallocs per MAC,
// measured); nothing else on this path allocates.
class IntegrityKey {
 public:
  IntegrityKey() noexcept;
  ~IntegrityKey();
  IntegrityKey(IntegrityKey&&) noexcept;
  IntegrityKey& operator=(IntegrityKey&&) noexcept;

  // Keys the context; the short-term key is the password bytes as they are (§9.1.1).
  Status setKey(std::string_view password) noexcept;
  bool valid() const noexcept { return ctx_ != nullptr; }
  // HMAC-SHA1 over head || tail into out (20 bytes).
  Status compute(std::span<const uint8_t> head, std::span<const uint8_t> tail,
                 std::span<uint8_t, kHmacSha1Size> out) noexcept;

 private:
  struct Deleter {
    void operator()(evp_mac_ctx_st* ctx) const noexcept;
  };
  std::unique_ptr<evp_mac_ctx_st, Deleter> ctx_;
};

// HMAC-SHA1 of a message prefix [0, attrOffset) with the header length rewritten as if the
// message ended after a MESSAGE-INTEGRITY attribute at attrOffset (§14.5).
Status computeMessageIntegrity(std::span<const uint8_t> message, size_t attrOffset, IntegrityKey& key,
                               std::span<uint8_t, kHmacSha1Size> out) noexcept;

// Checks MESSAGE-INTEGRITY; errors: kAuthFailed "no MESSAGE-INTEGRITY" / "MESSAGE-INTEGRITY mismatch".
Status verifyMessageIntegrity(const StunMessage& msg, IntegrityKey& key) noexcept;
// Same with a one-off password (tests, tools); keys a temporary context.
Status verifyMessageIntegrity(const StunMessage& msg, std::string_view password) noexcept;

// CRC-32 of a message prefix XOR 0x5354554E (§14.7).
uint32_t computeFingerprint(std::span<const uint8_t> prefix) noexcept;
// Checks FINGERPRINT; errors: kMalformed "no FINGERPRINT" / kAuthFailed "FINGERPRINT mismatch".
Status verifyFingerprint(const StunMessage& msg) noexcept;

}  // namespace rtcgate::wire::stun
