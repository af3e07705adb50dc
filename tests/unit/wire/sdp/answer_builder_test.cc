#include "wire/sdp/answer_builder.h"

#include <gtest/gtest.h>

#include <string>

#include "support/fixtures.h"
#include "wire/sdp/simulcast_attributes.h"

namespace rtcgate::wire::sdp {
namespace {

constexpr const char* kOurFingerprint =
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";

AnswerOptions options() {
  AnswerOptions o;
  o.iceUfrag = "srvU";
  o.icePwd = "0123456789abcdefghijklmn";
  o.fingerprint = kOurFingerprint;
  o.candidates = {{"192.0.2.10", 40000, "udp"}, {"192.0.2.10", 40001, "tcp"}};
  o.sessionId = 42;
  return o;
}

std::string fixture(const char* name) { return test::readTextFile(std::string("tests/fixtures/sdp/") + name); }

Answer answer(const std::string& offer, const AnswerOptions& o = options()) {
  auto a = AnswerBuilder(o).build(offer);
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().toString());
  return a.ok() ? std::move(a.value()) : Answer{};
}

// The answer text must itself parse back to the model we built.
void expectReparses(const Answer& a) {
  auto again = SessionDescription::parse(a.sdp);
  ASSERT_TRUE(again.ok()) << again.error().toString();
  EXPECT_EQ(again.value(), a.description);
}

std::string without(std::string text, const std::string& prefix) {
  for (size_t p; (p = text.find(prefix)) != std::string::npos;) text.erase(p, text.find("\r\n", p) + 2 - p);
  return text;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = text.find(from, p)) != std::string::npos; p += to.size()) text.replace(p, from.size(), to);
  return text;
}

TEST(AnswerBuilder, SendonlyOfferGetsVp8AndOpusWithOfferPayloadTypes) {
  auto a = answer(fixture("chromium-sendonly-offer.sdp"));
  expectReparses(a);
  const auto& s = a.session;
  EXPECT_EQ(s.remoteIce.ufrag, "9Ye0");
  EXPECT_EQ(s.remoteIce.pwd, "ZeU73xl2U07s2YWabpjWJAvE");
  EXPECT_EQ(s.remoteFingerprint.hashFunc, "sha-256");
  EXPECT_EQ(s.remoteSetup, Setup::kActpass);
  EXPECT_EQ(s.localDtlsRole, DtlsRole::kServer);
  EXPECT_EQ(s.bundleMids, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(s.media.size(), 2u);
  const auto& audio = s.media[0];
  EXPECT_EQ(audio.direction, Direction::kRecvOnly);
  ASSERT_EQ(audio.codecs.size(), 1u);
  EXPECT_EQ(audio.codecs[0].pt, 111);
  EXPECT_EQ(audio.codecs[0].name, "opus");
  EXPECT_EQ(audio.codecs[0].channels, 2);
  EXPECT_EQ(audio.codecs[0].fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(audio.extensionId("urn:ietf:params:rtp-hdrext:ssrc-audio-level"), 1);
  ASSERT_EQ(audio.remoteSsrcs.size(), 1u);
  EXPECT_EQ(audio.remoteSsrcs[0].ssrc, 2407338442u);
  EXPECT_EQ(audio.remoteSsrcs[0].cname, "FLlCw1YwHERe584g");
  const auto& video = s.media[1];
  ASSERT_EQ(video.codecs.size(), 1u);
  EXPECT_EQ(video.codecs[0].name, "VP8");
  EXPECT_EQ(video.codecs[0].pt, 96);
  EXPECT_EQ(video.codecs[0].rtxPt, 97);
  EXPECT_EQ(video.codecs[0].rtcpFb.size(), 5u);
  EXPECT_EQ(video.extensionId("urn:ietf:params:rtp-hdrext:sdes:mid"), 4);
  EXPECT_EQ(video.extensionId("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"), 2);
  EXPECT_FALSE(video.extensionId("urn:ietf:params:rtp-hdrext:toffset"));
  EXPECT_EQ(video.fidPairs, (std::vector<std::pair<uint32_t, uint32_t>>{{2628278627u, 3738134998u}}));
  ASSERT_TRUE(video.msid);
  EXPECT_EQ(video.msid->trackId, "e50fc0db-2588-4adb-a53d-4572dc96dca6");
  EXPECT_TRUE(video.rtcpRsize);

  const std::string& sdp = a.sdp;
  EXPECT_NE(sdp.find("a=ice-lite\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=group:BUNDLE 0 1\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("m=audio 40000 UDP/TLS/RTP/SAVPF 111\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("m=video 40000 UDP/TLS/RTP/SAVPF 96 97\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=setup:passive\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=recvonly\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=fmtp:97 apt=96\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=candidate:2 1 tcp "), std::string::npos);
  EXPECT_NE(sdp.find("tcptype passive"), std::string::npos);
  EXPECT_NE(sdp.find("a=end-of-candidates\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=fingerprint:sha-256 " + std::string(kOurFingerprint)), std::string::npos);
  EXPECT_EQ(sdp.find("a=candidate", sdp.find("m=video")), std::string::npos);  // first section only
  EXPECT_EQ(sdp.find("\n", 0) , sdp.find("\r\n") + 1);
}

TEST(AnswerBuilder, H264OfferGetsPacketizationMode1WithMatchingProfile) {
  auto a = answer(fixture("chromium-h264-offer.sdp"));
  expectReparses(a);
  const auto& video = a.session.media[1];
  ASSERT_EQ(video.codecs.size(), 1u);
  EXPECT_EQ(video.codecs[0].name, "H264");
  EXPECT_EQ(video.codecs[0].pt, 108);  // the first constrained-baseline, mode-1 entry
  EXPECT_EQ(video.codecs[0].rtxPt, 109);
  EXPECT_EQ(video.codecs[0].fmtp, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  EXPECT_NE(a.sdp.find("a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"),
            std::string::npos);
}

TEST(AnswerBuilder, OurCodecOrderWinsWhenAsked) {
  auto o = options();
  o.preferOfferOrder = false;
  auto a = answer(fixture("chromium-h264-offer.sdp"), o);
  EXPECT_EQ(a.session.media[1].codecs[0].name, "VP8");
  EXPECT_EQ(a.session.media[1].codecs[0].pt, 96);
}

TEST(AnswerBuilder, SimulcastOfferGetsRecvRids) {
  auto a = answer(fixture("chromium-simulcast-offer.sdp"));
  expectReparses(a);
  const auto& video = a.session.media[1];
  ASSERT_EQ(video.ridLayers.size(), 3u);
  EXPECT_EQ(video.ridLayers[0].rid, "l");
  EXPECT_EQ(video.ridLayers[1].rid, "m");
  EXPECT_EQ(video.ridLayers[2].rid, "h");
  EXPECT_EQ(video.extensionId("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"), 10);
  EXPECT_EQ(video.extensionId("urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"), 11);
  for (const char* line : {"a=rid:l recv\r\n", "a=rid:m recv\r\n", "a=rid:h recv\r\n", "a=simulcast:recv l;m;h\r\n"})
    EXPECT_NE(a.sdp.find(line), std::string::npos) << line;
}

// One small offer listing thousands of rids used to make a layer (with its retransmission
// history and NACK state) for each: 20 such offers grew the process by 855 MiB.
TEST(AnswerBuilder, SimulcastWithTooManyOrRepeatedRidsIsRefused) {
  const std::string offer = fixture("chromium-simulcast-offer.sdp");
  auto withSimulcast = [&](const std::string& rids, const std::string& list) {
    std::string o = offer;
    const size_t from = o.find("a=rid:l send");
    const size_t to = o.find("\r\n", o.find("a=simulcast:send")) + 2;
    return o.replace(from, to - from, rids + "a=simulcast:send " + list + "\r\n");
  };
  std::string list = "a";
  for (int i = 1; i < 1500; ++i) list += ";a";  // one line of 3 KB
  auto many = AnswerBuilder(options()).build(withSimulcast("a=rid:a send\r\n", list));
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.error().toString().find("at most 4"), std::string::npos) << many.error().toString();
  auto five = AnswerBuilder(options()).build(withSimulcast(
      "a=rid:a send\r\na=rid:b send\r\na=rid:c send\r\na=rid:d send\r\na=rid:e send\r\n", "a;b;c;d;e"));
  ASSERT_FALSE(five.ok());
  auto repeated = AnswerBuilder(options()).build(withSimulcast("a=rid:a send\r\na=rid:b send\r\n", "a;b;a"));
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.error().toString().find("twice"), std::string::npos) << repeated.error().toString();
  auto four = AnswerBuilder(options()).build(
      withSimulcast("a=rid:a send\r\na=rid:b send\r\na=rid:c send\r\na=rid:d send\r\n", "a;b;c;d"));
  ASSERT_TRUE(four.ok()) << four.error().toString();
  EXPECT_EQ(four->session.media[1].ridLayers.size(), 4u);
}

TEST(AnswerBuilder, RecvonlyOfferGetsSendonlyWithOurSsrcs) {
  auto o = options();
  o.sendTracks = {{"", "audio", {1111, 0, "rtcgatecname", "stream1", "audio1"}},
                  {"", "video", {2222, 3333, "rtcgatecname", "stream1", "video1"}}};
  auto a = answer(fixture("chromium-recvonly-offer.sdp"), o);
  expectReparses(a);
  ASSERT_EQ(a.session.media.size(), 2u);
  const auto& video = a.session.media[1];
  EXPECT_EQ(video.direction, Direction::kSendOnly);
  ASSERT_TRUE(video.local);
  EXPECT_EQ(video.local->ssrc, 2222u);
  EXPECT_EQ(a.session.media[0].direction, Direction::kSendOnly);
  for (const char* line : {"a=sendonly\r\n", "a=msid:stream1 video1\r\n", "a=ssrc-group:FID 2222 3333\r\n",
                           "a=ssrc:2222 cname:rtcgatecname\r\n", "a=ssrc:3333 msid:stream1 video1\r\n",
                           "a=ssrc:1111 cname:rtcgatecname\r\n"})
    EXPECT_NE(a.sdp.find(line), std::string::npos) << line;
  EXPECT_EQ(a.sdp.find("a=ssrc-group:FID 1111"), std::string::npos);
}

TEST(AnswerBuilder, AudioRedWhenEnabled) {
  auto o = options();
  o.audioRed = true;
  auto a = answer(fixture("chromium-sendonly-offer.sdp"), o);
  const auto& audio = a.session.media[0];
  ASSERT_EQ(audio.codecs.size(), 2u);
  EXPECT_EQ(audio.codecs[0].name, "red");
  EXPECT_EQ(audio.codecs[0].pt, 63);
  EXPECT_EQ(audio.codecs[0].fmtp, "111/111");
  EXPECT_NE(a.sdp.find("m=audio 40000 UDP/TLS/RTP/SAVPF 63 111\r\n"), std::string::npos);
}

TEST(AnswerBuilder, ActiveRoleAndActiveOffer) {
  auto o = options();
  o.setupForActpass = Setup::kActive;
  auto a = answer(fixture("chromium-sendonly-offer.sdp"), o);
  EXPECT_EQ(a.session.localDtlsRole, DtlsRole::kClient);
  EXPECT_NE(a.sdp.find("a=setup:active\r\n"), std::string::npos);

  std::string offer = fixture("chromium-sendonly-offer.sdp");
  for (size_t p; (p = offer.find("a=setup:actpass")) != std::string::npos;) offer.replace(p, 15, "a=setup:passive");
  auto b = answer(offer);
  EXPECT_EQ(b.session.remoteSetup, Setup::kPassive);
  EXPECT_EQ(b.session.localDtlsRole, DtlsRole::kClient);
}

TEST(AnswerBuilder, RejectsApplicationSectionButKeepsOrder) {
  std::string offer = fixture("chromium-sendonly-offer.sdp");
  offer.replace(offer.find("a=group:BUNDLE 0 1"), 18, "a=group:BUNDLE 0 1 2");
  offer += "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\n"
           "a=sctp-port:5000\r\n";
  auto a = answer(offer);
  expectReparses(a);
  ASSERT_EQ(a.description.media.size(), 3u);
  EXPECT_EQ(a.description.media[2].port, 0);
  EXPECT_EQ(a.description.media[2].mid(), "2");
  EXPECT_NE(a.sdp.find("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"), std::string::npos);
  EXPECT_EQ(a.session.bundleMids, (std::vector<std::string>{"0", "1"}));
  EXPECT_FALSE(a.session.data.has_value());
}

TEST(AnswerBuilder, AcceptsADataChannelSectionWhenAsked) {
  std::string offer = fixture("chromium-sendonly-offer.sdp");
  offer.replace(offer.find("a=group:BUNDLE 0 1"), 18, "a=group:BUNDLE 0 1 2");
  offer += "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\n"
           "a=sctp-port:5000\r\na=max-message-size:262144\r\n";
  AnswerOptions o = options();
  o.dataChannels = true;
  auto a = answer(offer, o);
  expectReparses(a);
  ASSERT_TRUE(a.session.data.has_value());
  EXPECT_EQ(a.session.data->mid, "2");
  EXPECT_EQ(a.session.data->remoteSctpPort, 5000);
  EXPECT_EQ(a.session.data->remoteMaxMessageSize, 262144u);
  EXPECT_EQ(a.session.bundleMids, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(a.description.media[2].kind, "application");
  EXPECT_NE(a.description.media[2].port, 0);
  EXPECT_NE(a.sdp.find(" UDP/DTLS/SCTP webrtc-datachannel\r\n"), std::string::npos);
  EXPECT_NE(a.sdp.find("a=sctp-port:5000\r\n"), std::string::npos);
  EXPECT_NE(a.sdp.find("a=max-message-size:262144\r\n"), std::string::npos);
  EXPECT_NE(a.sdp.find("a=group:BUNDLE 0 1 2\r\n"), std::string::npos);

  // A bad port is an error with its line.
  std::string bad = offer;
  bad.replace(bad.find("a=sctp-port:5000"), 16, "a=sctp-port:xyz");
  AnswerBuilder builder(o);
  EXPECT_FALSE(builder.build(bad));
}

TEST(AnswerBuilder, RejectsVideoWithoutCommonCodecButAnswersAudio) {
  std::string offer = fixture("chromium-sendonly-offer.sdp");
  offer = offer.substr(0, offer.find("m=video")) +
          "m=video 9 UDP/TLS/RTP/SAVPF 50\r\na=mid:1\r\na=rtcp-mux\r\na=rtpmap:50 HEVC/90000\r\n";
  auto a = answer(offer);
  ASSERT_EQ(a.session.media.size(), 1u);
  EXPECT_EQ(a.description.media[1].port, 0);
  EXPECT_EQ(a.session.bundleMids, (std::vector<std::string>{"0"}));
}

TEST(AnswerBuilder, SendrecvOfferWithOurTrackAndBundleOnlySection) {
  std::string offer = replaced(fixture("chromium-sendonly-offer.sdp"), "a=sendonly", "a=sendrecv");
  offer = replaced(offer, "m=video 9 ", "m=video 0 ");
  offer = replaced(offer, "a=mid:1\r\n", "a=mid:1\r\na=bundle-only\r\n");
  auto o = options();
  o.sendTracks = {{"1", "video", {7, 8, "c", "s", "v"}}};
  auto a = answer(offer, o);
  ASSERT_EQ(a.session.media.size(), 2u);
  EXPECT_EQ(a.session.media[0].direction, Direction::kRecvOnly);
  EXPECT_EQ(a.session.media[1].direction, Direction::kSendRecv);
  EXPECT_EQ(a.session.media[1].remoteSsrcs.size(), 2u);
  EXPECT_NE(a.sdp.find("a=ssrc-group:FID 7 8\r\n"), std::string::npos);
}

void expectAnswerError(const std::string& offer, const std::string& reason) {
  auto a = AnswerBuilder(options()).build(offer);
  ASSERT_FALSE(a.ok()) << reason;
  EXPECT_EQ(a.error().toString(), reason);
}

TEST(AnswerBuilder, ReportsSpecificErrors) {
  const std::string offer = fixture("chromium-sendonly-offer.sdp");
  expectAnswerError(without(offer, "a=group:BUNDLE"), "offer lacks a=group:BUNDLE");
  expectAnswerError(without(offer, "a=fingerprint"), "offer lacks a=fingerprint");
  expectAnswerError(without(offer, "a=ice-pwd"), "line 8: offer lacks a=ice-ufrag/a=ice-pwd");
  expectAnswerError(without(offer, "a=rtcp-mux"), "line 8: offer lacks a=rtcp-mux (required)");
  expectAnswerError(replaced(offer, "a=fingerprint:sha-256", "a=fingerprint:md5"),
                    "line 16: a=fingerprint hash function md5 is not supported");
  expectAnswerError(replaced(offer, "a=fingerprint:sha-256 B2:", "a=fingerprint:sha-256 Z2:"),
                    "line 16: a=fingerprint value is not colon-separated hex");
  expectAnswerError(replaced(offer, "a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/x/2"),
                    "line 28: a=rtpmap clock rate is not a number");
  expectAnswerError(replaced(offer, "a=group:BUNDLE 0 1", "a=group:BUNDLE 7"),
                    "no m-line we can accept: m=audio: not in the BUNDLE group; m=video: not in the BUNDLE group");
  std::string noCodecs = replaced(offer, "opus/48000", "foo/48000");
  noCodecs = noCodecs.substr(0, noCodecs.find("m=video")) +
             "m=video 9 UDP/TLS/RTP/SAVPF 50\r\na=mid:1\r\na=rtcp-mux\r\na=rtpmap:50 HEVC/90000\r\n";
  expectAnswerError(noCodecs, "no common audio codec; no common video codec");
  expectAnswerError(replaced(offer, "a=mid:1", "a=mid:0"), "line 41: duplicate a=mid:0");
  AnswerOptions incomplete = options();
  incomplete.fingerprint.clear();
  auto bad = AnswerBuilder(incomplete).build(offer);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason, "answer options lack local ICE credentials or certificate fingerprint");
  expectAnswerError("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio\r\n", "line 5: m= line has no port");
}

TEST(AnswerBuilder, AnswersEveryTruncatedFixtureWithoutCrashing) {
  for (const char* name : {"chromium-sendonly-offer.sdp", "chromium-simulcast-offer.sdp", "chromium-h264-offer.sdp",
                           "chromium-recvonly-offer.sdp"}) {
    std::string text = fixture(name);
    for (size_t pos = text.find('\n'); pos != std::string::npos; pos = text.find('\n', pos + 1)) {
      auto a = AnswerBuilder(options()).build(std::string_view(text).substr(0, pos + 1));
      if (a.ok()) {
        EXPECT_TRUE(SessionDescription::parse(a->sdp).ok());
      } else {
        EXPECT_FALSE(a.error().reason.empty());
      }
    }
  }
}

}  // namespace
}  // namespace rtcgate::wire::sdp
