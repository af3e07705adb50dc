// Fuzz target: STUN parse, every typed accessor, integrity and fingerprint checks, and a
// rebuild of whatever parsed, on arbitrary bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/stun/builder.h"
#include "wire/stun/classify.h"
#include "wire/stun/integrity.h"
#include "wire/stun/message.h"

using namespace rtcgate::wire::stun;

namespace {

void touchAccessors(const StunMessage& m) {
  (void)m.method();
  (void)m.messageClass();
  (void)m.mappedAddress();
  (void)m.xorMappedAddress();
  (void)m.username();
  (void)m.software();
  (void)m.realm();
  (void)m.nonce();
  (void)m.errorCode();
  (void)m.priority();
  (void)m.iceControlled();
  (void)m.iceControlling();
  (void)m.useCandidate();
  (void)m.messageIntegritySha256();
  for (size_t i = 0; i < m.unknownAttributesCount(); ++i) (void)m.unknownAttributeAt(i);
}

// Rebuilds the message attribute by attribute and checks the copy parses too.
void rebuild(const StunMessage& m, IntegrityKey& key) {
  std::array<uint8_t, 70000> out;
  StunBuilder b(out, m.method(), m.messageClass(), m.transactionId());
  auto it = m.attributes();
  StunAttribute a;
  while (it.next(a)) {
    if (a.type == static_cast<uint16_t>(AttributeType::kMessageIntegrity) ||
        a.type == static_cast<uint16_t>(AttributeType::kFingerprint)) {
      continue;
    }
    b.addRaw(a.type, a.value);
  }
  b.addMessageIntegrity(key);
  b.addFingerprint();
  auto built = b.finish();
  if (!built.ok()) return;
  auto again = StunMessage::parse(*built);
  if (again.ok()) {
    // MESSAGE-INTEGRITY may have been ignored if an earlier copy existed; FINGERPRINT is last.
    if (!verifyFingerprint(*again).ok()) __builtin_trap();
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  (void)looksLikeStun(in);
  (void)recipientUfrag(in);
  auto m = StunMessage::parse(in);
  if (!m.ok()) return 0;
  touchAccessors(*m);
  static IntegrityKey key = [] {
    IntegrityKey k;
    (void)k.setKey("VOkJxbRl1RmTxUk/WvJxBt");
    return k;
  }();
  (void)verifyMessageIntegrity(*m, key);
  (void)verifyFingerprint(*m);
  rebuild(*m, key);
  return 0;
}
