// The turn_* keys of the config file: defaults as shipped, overrides, and refused values.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "app/config.h"
#include "support/fixtures.h"

namespace rtcgate::app {
namespace {

std::string writeTemp(const std::string& text) {
  char name[] = "/tmp/rtcgate-turn-config-XXXXXX";
  const int fd = mkstemp(name);
  ::close(fd);
  std::ofstream(name) << text;
  return name;
}

TEST(TurnConfig, ShippedFileHasTurnOnWithAGeneratedSecret) {
  Config c;
  loadConfigFile(test::sourcePath("config/rtcgate.toml"), c);
  EXPECT_TRUE(c.turnEnabled);
  EXPECT_EQ(c.turnListen, "");
  EXPECT_EQ(c.turnSecret, "");
  EXPECT_EQ(c.turnRealm, "rtcgate");
  EXPECT_EQ(c.turnCredentialTtlSeconds, 86400);
  EXPECT_EQ(c.turnMaxAllocations, 1000u);
  EXPECT_EQ(c.turnMaxAllocationsPerUser, 16u);
  EXPECT_EQ(c.turnMaxBitrate, 20'000'000u);
  EXPECT_EQ(c.turnMaxUserBitrate, 40'000'000u);
}

TEST(TurnConfig, OverridesAndBadValues) {
  Config c;
  const auto path = writeTemp(
      "turn_enabled = false\nturn_listen = \"0.0.0.0:3479\"\nturn_secret = \"s\"\nturn_realm = "
      "\"example.org\"\n"
      "turn_credential_ttl_seconds = 600\nturn_max_allocations = 10\nturn_max_allocations_per_user = 2\n"
      "turn_max_bitrate = 1000000\nturn_max_user_bitrate = 2000000\n");
  loadConfigFile(path, c);
  EXPECT_FALSE(c.turnEnabled);
  EXPECT_EQ(c.turnListen, "0.0.0.0:3479");
  EXPECT_EQ(c.turnSecret, "s");
  EXPECT_EQ(c.turnRealm, "example.org");
  EXPECT_EQ(c.turnCredentialTtlSeconds, 600);
  EXPECT_EQ(c.turnMaxAllocations, 10u);
  EXPECT_EQ(c.turnMaxAllocationsPerUser, 2u);
  EXPECT_EQ(c.turnMaxBitrate, 1'000'000u);
  EXPECT_EQ(c.turnMaxUserBitrate, 2'000'000u);
  std::remove(path.c_str());
  for (const char* bad :
       {"turn_max_allocations = 0\n", "turn_credential_ttl_seconds = 5\n", "turn_realm = \"\"\n",
        "turn_enabled = \"yes\"\n", "turn_max_bitrate = 10\n", "turn_secrt = \"x\"\n"}) {
    const auto f = writeTemp(bad);
    Config d;
    EXPECT_THROW(loadConfigFile(f, d), std::runtime_error) << bad;
    std::remove(f.c_str());
  }
}

}  // namespace
}  // namespace rtcgate::app
