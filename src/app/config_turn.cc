#include "app/config_turn.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "app/config_toml.h"

namespace rtcgate::app {

namespace {

constexpr std::array<std::string_view, 11> kTurnKeys = {"turn_enabled",
                                                       "turn_tls_listen",
                                                       "turn_tls_server_name",
                                                       "turn_listen",
                                                       "turn_secret",
                                                       "turn_realm",
                                                       "turn_credential_ttl_seconds",
                                                       "turn_max_allocations",
                                                       "turn_max_allocations_per_user",
                                                       "turn_max_bitrate",
                                                       "turn_max_user_bitrate"};

// A positive integer setting within [min, max].
template <typename T>
void takeCount(const toml::table& t, std::string_view key, T& out, int64_t min, int64_t max) {
  int64_t v = static_cast<int64_t>(out);
  take(t, key, v);
  if (v < min || v > max)
    throw std::runtime_error("config: '" + std::string(key) + "' must be " + std::to_string(min) + ".." +
                             std::to_string(max));
  out = static_cast<T>(v);
}

}  // namespace

bool isTurnConfigKey(std::string_view key) {
  return std::find(kTurnKeys.begin(), kTurnKeys.end(), key) != kTurnKeys.end();
}

void loadTurnConfig(const toml::table& root, Config& config) {
  take(root, "turn_enabled", config.turnEnabled);
  take(root, "turn_listen", config.turnListen);
  take(root, "turn_tls_listen", config.turnTlsListen);
  take(root, "turn_tls_server_name", config.turnTlsServerName);
  if (config.turnTlsServerName.size() > 253 ||
      config.turnTlsServerName.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
          std::string::npos)
    throw std::runtime_error("config: 'turn_tls_server_name' must be a DNS name");
  take(root, "turn_secret", config.turnSecret);
  take(root, "turn_realm", config.turnRealm);
  if (config.turnRealm.empty() || config.turnRealm.size() > 127)
    throw std::runtime_error("config: 'turn_realm' must be 1..127 characters");
  takeCount(root, "turn_credential_ttl_seconds", config.turnCredentialTtlSeconds, 60, 7 * 86400);
  takeCount(root, "turn_max_allocations", config.turnMaxAllocations, 1, 100'000);
  takeCount(root, "turn_max_allocations_per_user", config.turnMaxAllocationsPerUser, 1, 1000);
  takeCount(root, "turn_max_bitrate", config.turnMaxBitrate, 100'000, 10'000'000'000);
  takeCount(root, "turn_max_user_bitrate", config.turnMaxUserBitrate, 100'000, 10'000'000'000);
}

}  // namespace rtcgate::app
