// RTMP push URLs as CDNs hand them out, and the ways they can be wrong.
#include "transport/rtmp/rtmp_url.h"

#include <gtest/gtest.h>

#include <string>

namespace rtcgate::transport::rtmp {
namespace {

TEST(RtmpUrl, DefaultPortAndSimplePath) {
  auto u = RtmpUrl::parse("rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->host, "a.rtmp.youtube.com");
  EXPECT_EQ(u->port, 1935);
  EXPECT_EQ(u->app, "live2");
  EXPECT_EQ(u->streamKey, "abcd-efgh-ijkl");
  EXPECT_EQ(u->tcUrl, "rtmp://a.rtmp.youtube.com:1935/live2");
  EXPECT_EQ(u->redacted(), "rtmp://a.rtmp.youtube.com:1935/live2/***");
}

TEST(RtmpUrl, PortNestedAppAndQueryKey) {
  auto u = RtmpUrl::parse("rtmp://127.0.0.1:19350/live/sub/key?token=a/b&x=1");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 19350);
  EXPECT_EQ(u->app, "live/sub");
  EXPECT_EQ(u->streamKey, "key?token=a/b&x=1");
  EXPECT_EQ(u->tcUrl, "rtmp://127.0.0.1:19350/live/sub");
}

TEST(RtmpUrl, Ipv6AndUppercaseScheme) {
  auto u = RtmpUrl::parse("RTMP://[::1]:2000/live/k");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 2000);
  EXPECT_EQ(u->tcUrl, "rtmp://[::1]:2000/live");
  auto d = RtmpUrl::parse("rtmp://[::1]/live/k");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, 1935);
}

struct Bad {
  const char* url;
  const char* why;  // a word the error message must contain
};

TEST(RtmpUrl, RejectsWithReasons) {
  const Bad cases[] = {
      {"rtmps://live.example.com/app/key", "rtmps"},
      {"http://example.com/live/key", "rtmp://"},
      {"rtmp://", "path"},
      {"rtmp://host", "path"},
      {"rtmp://host/live", "stream key"},
      {"rtmp://host/live/", "empty stream key"},
      {"rtmp://host//key", "empty app"},
      {"rtmp:///live/key", "no host"},
      {"rtmp://host:/live/key", "empty port"},
      {"rtmp://host:0/live/key", "port"},
      {"rtmp://host:65536/live/key", "port"},
      {"rtmp://host:12ab/live/key", "port"},
      {"rtmp://[::1/live/key", "ipv6"},
      {"rtmp://user:pw@host/live/key", "credentials"},
  };
  for (const auto& c : cases) {
    auto u = RtmpUrl::parse(c.url);
    ASSERT_FALSE(u.ok()) << c.url;
    EXPECT_NE(std::string(u.error().message).find(c.why), std::string::npos) << c.url << ": " << u.error().message;
  }
}

}  // namespace
}  // namespace rtcgate::transport::rtmp
