#include "app/access_setup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace rtcgate::app {
namespace {

std::string writeTemp(const std::string& text) {
  char name[] = "/tmp/rtcgate-auth-XXXXXX";
  const int fd = mkstemp(name);
  ::close(fd);
  std::ofstream(name) << text;
  return name;
}

TEST(AuthConfig, ReadsTheAuthTable) {
  Config c;
  const auto path = writeTemp(
      "[auth]\njwt_secret = \"0123456789abcdef0123456789abcdef\"\nclock_skew_seconds = 5\n"
      "jwt_audience = \"rtcgate\"\njwt_issuer = \"ops\"\nmetrics_public = true\n");
  loadConfigFile(path, c);
  EXPECT_TRUE(c.jwtEnabled());
  EXPECT_EQ(c.clockSkewSeconds, 5);
  EXPECT_EQ(c.jwtAudience, "rtcgate");
  EXPECT_EQ(c.jwtIssuer, "ops");
  EXPECT_TRUE(c.metricsPublic);
  EXPECT_TRUE(makeAccessPolicy(c).jwtEnabled());
  std::remove(path.c_str());
}

TEST(AuthConfig, RefusesBadSettings) {
  for (const char* bad : {"[auth]\njwt_secret = \"short\"\n", "[auth]\nclock_skew_seconds = -1\n",
                          "[auth]\njwt_secert = \"x\"\n", "auth = 1\n"}) {
    Config c;
    const auto path = writeTemp(bad);
    EXPECT_THROW(loadConfigFile(path, c), std::runtime_error) << bad;
    std::remove(path.c_str());
  }
  Config missing;
  missing.jwtPublicKeyFile = "/nonexistent/key.pem";
  EXPECT_THROW(makeAccessPolicy(missing), std::runtime_error);
  Config notAKey;
  notAKey.jwksFile = writeTemp("{\"keys\": []}");
  EXPECT_THROW(makeAccessPolicy(notAKey), std::runtime_error);
  std::remove(notAKey.jwksFile.c_str());
}

TEST(AuthConfig, WithoutAuthEverythingStaysAsItWas) {
  Config c;
  c.tokens["private-"] = "s3cret";
  const auto policy = makeAccessPolicy(c);
  EXPECT_FALSE(policy.jwtEnabled());
  EXPECT_TRUE(policy.stream(crypto::jwt::Grant::kPublish, "cam", "").allowed());
  EXPECT_FALSE(policy.stream(crypto::jwt::Grant::kPublish, "private-1", "").allowed());
}

}  // namespace
}  // namespace rtcgate::app
