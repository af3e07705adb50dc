#include "wire/sdp/session_description.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/fixtures.h"
#include "wire/sdp/rtp_attributes.h"
#include "wire/sdp/transport_attributes.h"

namespace rtcgate::wire::sdp {
namespace {

const char* const kFixtures[] = {
    "tests/fixtures/sdp/chromium-sendonly-offer.sdp",
    "tests/fixtures/sdp/chromium-simulcast-offer.sdp",
    "tests/fixtures/sdp/chromium-h264-offer.sdp",
    "tests/fixtures/sdp/chromium-recvonly-offer.sdp",
};

SessionDescription parseFixture(const char* path) {
  auto sd = SessionDescription::parse(test::readTextFile(path));
  EXPECT_TRUE(sd.ok()) << path << ": " << (sd.ok() ? "" : sd.error().toString());
  return sd.ok() ? sd.value() : SessionDescription{};
}

TEST(SessionDescription, ParsesSendonlyFixture) {
  auto sd = parseFixture(kFixtures[0]);
  ASSERT_EQ(sd.media.size(), 2u);
  EXPECT_EQ(sd.field('v')->value, "0");
  EXPECT_EQ(sd.field('o')->value, "- 6928309685414945499 2 IN IP4 127.0.0.1");
  EXPECT_EQ(sd.attributes.value("group"), "BUNDLE 0 1");
  EXPECT_TRUE(sd.attributes.has("extmap-allow-mixed"));
  const auto& audio = sd.media[0];
  EXPECT_EQ(audio.kind, "audio");
  EXPECT_EQ(audio.port, 41656);
  EXPECT_EQ(audio.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(audio.formats.front(), "111");
  EXPECT_EQ(audio.formats.size(), 8u);
  EXPECT_EQ(audio.mid(), "0");
  EXPECT_EQ(mediaDirection(sd, audio), Direction::kSendOnly);
  auto ice = iceCredentials(sd, audio);
  ASSERT_TRUE(ice);
  EXPECT_EQ(ice->ufrag, "9Ye0");
  EXPECT_EQ(ice->pwd, "ZeU73xl2U07s2YWabpjWJAvE");
  auto fp = Fingerprint::parse(*audio.attributes.value("fingerprint"));
  ASSERT_TRUE(fp);
  EXPECT_EQ(fp->hashFunc, "sha-256");
  EXPECT_EQ(fp->value.size(), 95u);
  auto cands = audio.attributes.all("candidate");
  ASSERT_EQ(cands.size(), 2u);
  auto c = Candidate::parse(cands[1]->value);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->transport, "tcp");
  EXPECT_EQ(c->tcpType, "active");
  EXPECT_EQ(c->port, 9);
  const auto& video = sd.media[1];
  EXPECT_EQ(video.formats.size(), 23u);
  EXPECT_EQ(video.fields.front().value, "IN IP4 0.0.0.0");
  auto group = SsrcGroup::parse(*video.attributes.value("ssrc-group"));
  ASSERT_TRUE(group);
  EXPECT_EQ(group->semantics, "FID");
  EXPECT_EQ(group->ssrcs, (std::vector<uint32_t>{2628278627u, 3738134998u}));
}

TEST(SessionDescription, ParsesEveryFixtureWithKeyFields) {
  for (const char* path : kFixtures) {
    auto sd = parseFixture(path);
    ASSERT_EQ(sd.media.size(), 2u) << path;
    EXPECT_EQ(sd.media[0].kind, "audio");
    EXPECT_EQ(sd.media[1].kind, "video");
    EXPECT_EQ(sd.media[1].mid(), "1");
    EXPECT_TRUE(sd.media[1].attributes.has("rtcp-mux"));
    EXPECT_EQ(sd.media[1].attributes.value("setup"), "actpass");
    auto rtpmaps = sd.media[1].attributes.all("rtpmap");
    EXPECT_GE(rtpmaps.size(), 20u) << path;
    for (const auto* a : rtpmaps) EXPECT_TRUE(Rtpmap::parse(a->value).ok()) << a->value;
    for (const auto* a : sd.media[1].attributes.all("extmap")) EXPECT_TRUE(Extmap::parse(a->value).ok()) << a->value;
  }
}

TEST(SessionDescription, RoundTripsEveryFixture) {
  for (const char* path : kFixtures) {
    std::string text = test::readTextFile(path);
    auto first = SessionDescription::parse(text);
    ASSERT_TRUE(first.ok()) << path;
    std::string again = first->serialize();
    EXPECT_EQ(again, text) << path;  // fixtures are canonical: byte-exact
    auto second = SessionDescription::parse(again);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(first.value(), second.value()) << path;
  }
}

TEST(SessionDescription, KeepsUnknownAttributesAndAcceptsLf) {
  std::string text = "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=x\nt=0 0\na=x-custom:weird value \nm=video 9 RTP/AVP 96\na=flag\n";
  auto sd = SessionDescription::parse(text);
  ASSERT_TRUE(sd.ok()) << sd.error().toString();
  EXPECT_EQ(sd->attributes.value("x-custom"), "weird value ");
  EXPECT_TRUE(sd->media[0].attributes.has("flag"));
  EXPECT_NE(sd->serialize().find("a=x-custom:weird value \r\n"), std::string::npos);
}

void expectError(const std::string& text, const std::string& reason, int line) {
  auto sd = SessionDescription::parse(text);
  ASSERT_FALSE(sd.ok()) << text;
  EXPECT_EQ(sd.error().reason, reason);
  EXPECT_EQ(sd.error().line, line);
}

TEST(SessionDescription, ReportsSpecificErrors) {
  const std::string head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
  expectError("", "empty SDP body", 0);
  expectError("o=- 1 1 IN IP4 0.0.0.0\r\n", "first line must be v=0", 1);
  expectError("v=1\r\no=x\r\ns=-\r\n", "unsupported SDP version (v= must be 0)", 1);
  expectError("v=0\r\ns=-\r\n", "missing o= line", 0);
  expectError(head + "m=audio\r\n", "m= line has no port", 5);
  expectError(head + "m=audio x RTP/AVP 0\r\n", "m= line port is not a number 0-65535", 5);
  expectError(head + "m=audio 9 RTP/AVP\r\n", "m= line has no formats", 5);
  expectError(head + "garbage\r\n", "expected <type>=<value>", 5);
  expectError(head + "a=\r\n", "a= line has no attribute name", 5);
  expectError(head + "m=audio 9 RTP/AVP 0\r\nt=0 0\r\n", "line type 't' not allowed in a media section", 6);
  expectError(head + "a=x\x01y\r\n", "control character in line", 5);
  expectError(head + "a=" + std::string(5000, 'x') + "\r\n", "line longer than 4 KiB", 5);
  expectError(std::string(140000, 'a'), "SDP body larger than 128 KiB", 0);
  std::string many = head;
  for (int i = 0; i < 129; ++i) many += "m=audio 9 RTP/AVP 0\r\n";
  expectError(many, "more than 128 media sections", 4 + 129);
  EXPECT_EQ(SdpError({"m= line has no port", 12}).toString(), "line 12: m= line has no port");
}

// Every prefix must parse or fail cleanly; the byte loop strides to stay fast.
TEST(SessionDescription, SurvivesTruncationAnywhere) {
  for (const char* path : kFixtures) {
    std::string text = test::readTextFile(path);
    for (size_t pos = text.find('\n'); pos != std::string::npos; pos = text.find('\n', pos + 1)) {
      auto sd = SessionDescription::parse(std::string_view(text).substr(0, pos + 1));
      if (sd.ok()) {
        EXPECT_TRUE(SessionDescription::parse(sd->serialize()).ok());
      }
    }
    for (size_t len = 0; len <= text.size(); len += 3) {
      auto sd = SessionDescription::parse(std::string_view(text).substr(0, len));
      if (sd.ok()) {
        EXPECT_TRUE(SessionDescription::parse(sd->serialize()).ok());
      }
    }
  }
}

}  // namespace
}  // namespace rtcgate::wire::sdp
