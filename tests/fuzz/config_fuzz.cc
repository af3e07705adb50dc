// Fuzzes the config file loader: any text as rtcgate.toml. A bad file is a
// std::runtime_error naming the problem; nothing else may escape or crash, and what it
// accepts must hold the values the loader promises to check.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "app/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rtcgate::app::Config config;
  try {
    rtcgate::app::loadConfigText(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml", config);
  } catch (const std::runtime_error&) {
    return 0;
  }
  if (config.workers > 256 || config.maxSessions < 1 || config.maxStreams < 1 || config.maxRooms < 1 ||
      config.maxRoomParticipants < 2 || config.maxRoomParticipants > 100 || config.rtmpApps.empty() ||
      config.codecThreads > 256 || config.keyframeIntervalMs < 200 || config.keyframeIntervalMs > 20000)
    std::abort();
  for (const auto& listen : {config.httpListen, config.rtmpListen}) {
    try {
      (void)rtcgate::app::parseHostPort(listen);
    } catch (const std::invalid_argument&) {
    }
  }
  return 0;
}
