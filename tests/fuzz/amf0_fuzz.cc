// Fuzz target: AMF0 decode of arbitrary bytes, re-encode and decode again (the second
// encoding must equal the first), plus the command and data message parsers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "wire/rtmp/amf0.h"
#include "wire/rtmp/amf0_command.h"

using namespace rtcgate::wire::rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  auto values = decodeAmf0All(bytes);
  if (values.ok()) {
    std::vector<uint8_t> first;
    for (const auto& v : *values) encodeAmf0(v, first);
    // ECMA array counts and string widths are normalized, so compare the second pass.
    auto again = decodeAmf0All(first);
    if (!again.ok()) std::abort();
    std::vector<uint8_t> second;
    for (const auto& v : *again) encodeAmf0(v, second);
    if (first != second) std::abort();
  }
  auto command = Command::parse(bytes);
  if (command.ok()) {
    (void)command->stringArg(0);
    if (!Command::parse(command->serialize()).ok()) std::abort();
  }
  auto dataMessage = DataMessage::parse(bytes);
  if (dataMessage.ok() && dataMessage->metadata() != nullptr) (void)buildOnMetaData(*dataMessage->metadata());
  return 0;
}
