// Fuzzes the room signaling parser: any bytes a WebSocket client sends as a text message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/room_messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)rtcgate::api::room::parseClientMessage(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
