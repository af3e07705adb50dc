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

// Integer settings take integers that fit: a float (even a huge one) or a value past the
// type is a clear error, never a silent conversion.
TEST(Config, IntegerSettingsRefuseFloatsAndOverflow) {
  for (const char* text : {"max_room_participants = 1e63\n", "max_sessions = 2.5\n", "workers = \"4\"\n",
                           "udp_port = -1\n", "turn_max_bitrate = 1e30\n"}) {
    Config c;
    EXPECT_THROW(loadConfigText(text, "t.toml", c), std::runtime_error) << text;
  }
  Config c;
  loadConfigText("client_sessions_per_second = 2\n", "t.toml", c);  // an integer where a number goes
  EXPECT_EQ(c.clientSessionsPerSecond, 2.0);
}

TEST(Config, IceTcpIsOnByDefaultAndCanBeTurnedOff) {
  Config c;
  loadConfigFile(test::sourcePath("config/rtcgate.toml"), c);
  EXPECT_TRUE(c.iceTcp);
  EXPECT_EQ(c.iceTcpMaxConnections, 1000u);
  const auto path = writeTemp("ice_tcp = false\nice_tcp_max_connections = 50\n");
  loadConfigFile(path, c);
  EXPECT_FALSE(c.iceTcp);
  EXPECT_EQ(c.iceTcpMaxConnections, 50u);
  for (const char* bad : {"ice_tcp = \"yes\"\n", "ice_tcp_max_connections = 0\n"}) {
    const auto f = writeTemp(bad);
    EXPECT_THROW(loadConfigFile(f, c), std::runtime_error) << bad;
    std::remove(f.c_str());
  }
  std::remove(path.c_str());
}

TEST(Config, RtmpAndTranscodingKeys) {
  Config c;
  EXPECT_EQ(c.rtmpListen, "127.0.0.1:1935");
  EXPECT_EQ(c.rtmpStreamName, "key");
  const auto path = writeTemp(
      "rtmp_listen = \"\"\nrtmp_apps = [\"live\", \"studio\"]\nrtmp_stream_name = \"app/key\"\n"
      "codec_threads = 3\nkeyframe_interval_ms = 1000\n");
  loadConfigFile(path, c);
  EXPECT_TRUE(c.rtmpListen.empty());
  EXPECT_EQ(c.rtmpApps, (std::vector<std::string>{"live", "studio"}));
  EXPECT_EQ(c.rtmpStreamName, "app/key");
  EXPECT_EQ(c.codecThreads, 3u);
  EXPECT_EQ(c.keyframeIntervalMs, 1000u);
  for (const char* bad : {"rtmp_stream_name = \"stream\"\n", "rtmp_apps = []\n", "keyframe_interval_ms = 50\n"}) {
    const auto f = writeTemp(bad);
    EXPECT_THROW(loadConfigFile(f, c), std::runtime_error) << bad;
    std::remove(f.c_str());
  }
  std::remove(path.c_str());
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
