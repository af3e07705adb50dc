#include "app/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "support/fixtures.h"

namespace rtcgate::app {
namespace {

std::string writeTemp(const std::string& text) {
  char name[] = "/tmp/rtcgate-config-XXXXXX";
  const int fd = mkstemp(name);
  ::close(fd);
  std::ofstream(name) << text;
  return name;
}

TEST(Config, ShippedFileLoadsWithDefaults) {
  Config c;
  loadConfigFile(test::sourcePath("config/rtcgate.toml"), c);
  EXPECT_EQ(c.httpListen, "127.0.0.1:8080");
  EXPECT_EQ(c.udpPort, 40000);
  EXPECT_TRUE(c.advertisedIps.empty());
}

TEST(Config, OverridesAndRejectsUnknownKeys) {
  Config c;
  const auto path = writeTemp("udp_port = 5000\nadvertised_ips = [\"203.0.113.5\"]\n");
  loadConfigFile(path, c);
  EXPECT_EQ(c.udpPort, 5000);
  ASSERT_EQ(c.advertisedIps.size(), 1u);
  const auto bad = writeTemp("udp_prot = 1\n");
  EXPECT_THROW(loadConfigFile(bad, c), std::runtime_error);
  const auto range = writeTemp("udp_port = 70000\n");
  EXPECT_THROW(loadConfigFile(range, c), std::runtime_error);
  std::remove(path.c_str());
  std::remove(bad.c_str());
  std::remove(range.c_str());
}

TEST(Config, HostPort) {
  EXPECT_EQ(parseHostPort("127.0.0.1:80").port, 80);
  EXPECT_EQ(parseHostPort("[::1]:9").host, "::1");
  EXPECT_THROW(parseHostPort("nohost"), std::invalid_argument);
  EXPECT_THROW(parseHostPort("1.2.3.4:99999"), std::invalid_argument);
  EXPECT_THROW(parseHostPort("1.2.3.4:x"), std::invalid_argument);
}

}  // namespace
}  // namespace rtcgate::app
