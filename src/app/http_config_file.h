#pragma once
// The HttpConfig keys of the TOML config file.

#include <string_view>
#include <toml++/toml.h>

#include "app/http_config.h"

namespace rtcgate::app {

// Whether `key` is one of the keys loadHttpConfig reads.
bool isHttpConfigKey(std::string_view key);
// Reads those keys of `root` into `config`; throws std::runtime_error on a bad value.
void loadHttpConfig(const toml::table& root, HttpConfig& config);

}  // namespace rtcgate::app
