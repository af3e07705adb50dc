#pragma once
// The turn_* keys of the config file (the built-in TURN server's settings).

#include <toml++/toml.h>

#include <string_view>

#include "app/config.h"

namespace rtcgate::app {

bool isTurnConfigKey(std::string_view key);
// Reads the turn_* keys of `root` into `config`; throws std::runtime_error on a bad value.
void loadTurnConfig(const toml::table& root, Config& config);

}  // namespace rtcgate::app
