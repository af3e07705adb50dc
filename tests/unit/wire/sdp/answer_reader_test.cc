#include "wire/sdp/answer_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <string_view>

#include "wire/sdp/offer_builder.h"

namespace rtcgate::wire::sdp {
namespace {

OfferOptions options() {
  OfferOptions o;
  o.iceUfrag = "srvU";
  o.icePwd = "0123456789abcdefghijklmn";
  o.fingerprint =
      "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
  o.candidates = {{"192.0.2.10", 40000, "udp"}};
  o.sessionId = 42;
  return o;
}

// Our offer: audio and video sent, plus a free video m-line.
Offer ourOffer() {
  std::vector<OfferSlot> slots = {
      {"0", "audio", LocalStream{1111, 0, "rtcgatecname", "alice", "alice-mic"}, {}},
      {"1", "video", LocalStream{2222, 3333, "rtcgatecname", "alice", "alice-cam"}, {}},
      {"2", "video", std::nullopt, {}}};
  auto r = OfferBuilder(options()).build(slots, 3);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().toString());
  return r.ok() ? std::move(r.value()) : Offer{};
}

// What Chromium 156 answers to ourOffer(), written in the shape of its own SDP (compare
// tests/fixtures/sdp/chromium-*.sdp): its own ICE/DTLS identity, setup:active, recvonly,
// our payload types and extension ids, abs-send-time dropped for audio, AV1 dropped.
std::string chromiumAnswer() {
  std::string text = R"(v=0
o=- 5238019247513849213 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1 2
a=extmap-allow-mixed
a=msid-semantic: WMS
m=audio 9 UDP/TLS/RTP/SAVPF 111
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:Hq7c
a=ice-pwd:4yUjzK2m8Yq1pZbXc0fRt3sN
a=ice-options:trickle
a=fingerprint:sha-256 5C:1E:A7:3B:90:0D:62:F4:8E:21:C9:7A:D3:55:0B:E8:46:9F:12:AB:7C:E0:33:58:C1:6D:94:2F:B7:08:EA:71
a=setup:active
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=recvonly
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 108 109
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:Hq7c
a=ice-pwd:4yUjzK2m8Yq1pZbXc0fRt3sN
a=ice-options:trickle
a=fingerprint:sha-256 5C:1E:A7:3B:90:0D:62:F4:8E:21:C9:7A:D3:55:0B:E8:46:9F:12:AB:7C:E0:33:58:C1:6D:94:2F:B7:08:EA:71
a=setup:active
a=mid:1
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=recvonly
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtpmap:98 VP9/90000
a=rtcp-fb:98 transport-cc
a=rtcp-fb:98 nack
a=rtcp-fb:98 nack pli
a=fmtp:98 profile-id=0
a=rtpmap:99 rtx/90000
a=fmtp:99 apt=98
a=rtpmap:108 H264/90000
a=rtcp-fb:108 goog-remb
a=rtcp-fb:108 transport-cc
a=rtcp-fb:108 ccm fir
a=rtcp-fb:108 nack
a=rtcp-fb:108 nack pli
a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:109 rtx/90000
a=fmtp:109 apt=108
m=video 9 UDP/TLS/RTP/SAVPF 96 97
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:Hq7c
a=ice-pwd:4yUjzK2m8Yq1pZbXc0fRt3sN
a=ice-options:trickle
a=fingerprint:sha-256 5C:1E:A7:3B:90:0D:62:F4:8E:21:C9:7A:D3:55:0B:E8:46:9F:12:AB:7C:E0:33:58:C1:6D:94:2F:B7:08:EA:71
a=setup:active
a=mid:2
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=inactive
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
)";
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return crlf;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = text.find(from, p)) != std::string::npos; p += to.size())
    text.replace(p, from.size(), to);
  return text;
}

std::string without(std::string text, const std::string& prefix) {
  for (size_t p; (p = text.find(prefix)) != std::string::npos;) text.erase(p, text.find("\r\n", p) + 2 - p);
  return text;
}

// 1-based line of the first occurrence of `needle`, as error messages count.
int lineOf(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

NegotiatedSession read(const std::string& answer, const Offer& offer) {
  auto r = AnswerReader(offer.media).read(answer);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().toString());
  return r.ok() ? std::move(r.value()) : NegotiatedSession{};
}

TEST(AnswerReader, ReadsChromiumAnswer) {
  Offer offer = ourOffer();
  NegotiatedSession s = read(chromiumAnswer(), offer);
  EXPECT_EQ(s.remoteIce.ufrag, "Hq7c");
  EXPECT_EQ(s.remoteIce.pwd, "4yUjzK2m8Yq1pZbXc0fRt3sN");
  EXPECT_EQ(s.remoteFingerprint.hashFunc, "sha-256");
  EXPECT_EQ(s.remoteFingerprint.value.substr(0, 5), "5C:1E");
  EXPECT_EQ(s.remoteSetup, Setup::kActive);
  EXPECT_EQ(s.localDtlsRole, DtlsRole::kServer);
  EXPECT_EQ(s.bundleMids, (std::vector<std::string>{"0", "1", "2"}));
  ASSERT_EQ(s.media.size(), 3u);

  const NegotiatedMedia& audio = s.media[0];
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.direction, Direction::kSendOnly);
  ASSERT_TRUE(audio.local);
  EXPECT_EQ(audio.local->ssrc, 1111u);
  ASSERT_EQ(audio.codecs.size(), 1u);
  EXPECT_EQ(audio.codecs[0].pt, 111);
  EXPECT_EQ(audio.codecs[0].channels, 2);
  EXPECT_EQ(audio.codecs[0].fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(audio.codecs[0].rtcpFb, (std::vector<RtcpFb>{{111, "transport-cc", ""}}));
  EXPECT_EQ(audio.extensions,
            (std::map<std::string, uint8_t>{
                {"urn:ietf:params:rtp-hdrext:sdes:mid", 1},
                {"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", 3}}));
  EXPECT_TRUE(audio.rtcpRsize);

  const NegotiatedMedia& video = s.media[1];
  EXPECT_EQ(video.direction, Direction::kSendOnly);
  ASSERT_TRUE(video.local);
  EXPECT_EQ(video.local->rtxSsrc, 3333u);
  ASSERT_EQ(video.codecs.size(), 3u);  // AV1 dropped by the answer
  EXPECT_EQ(video.codecs[0].name, "VP8");
  EXPECT_EQ(video.codecs[0].pt, 96);
  EXPECT_EQ(video.codecs[0].rtxPt, 97);
  EXPECT_EQ(video.codecs[0].rtcpFb.size(), 5u);
  EXPECT_EQ(video.codecs[1].name, "VP9");
  EXPECT_EQ(video.codecs[1].rtcpFb.size(), 3u);  // the answer listed three of five
  EXPECT_EQ(video.codecs[1].fmtp, "profile-id=0");
  EXPECT_EQ(video.codecs[2].name, "H264");
  EXPECT_EQ(video.codecs[2].pt, 108);
  EXPECT_EQ(video.codecs[2].rtxPt, 109);
  EXPECT_EQ(video.extensionId("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"), 2);
  EXPECT_EQ(video.extensionId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"),
            3);
  EXPECT_EQ(video.extensionId("urn:ietf:params:rtp-hdrext:sdes:mid"), 1);

  const NegotiatedMedia& free = s.media[2];
  EXPECT_EQ(free.direction, Direction::kInactive);
  EXPECT_FALSE(free.local);
  ASSERT_EQ(free.codecs.size(), 1u);
  EXPECT_EQ(free.extensions.size(), 1u);
}

TEST(AnswerReader, RejectedSlotIsLeftOut) {
  std::string answer = chromiumAnswer();
  answer = replaced(answer, "a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1");
  answer =
      answer.substr(0, answer.rfind("m=video")) + "m=video 0 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n";
  NegotiatedSession s = read(answer, ourOffer());
  ASSERT_EQ(s.media.size(), 2u);
  EXPECT_EQ(s.media[1].mid, "1");
  EXPECT_EQ(s.bundleMids, (std::vector<std::string>{"0", "1"}));
}

TEST(AnswerReader, PassiveAnswerMakesUsTheDtlsClient) {
  NegotiatedSession s = read(replaced(chromiumAnswer(), "a=setup:active", "a=setup:passive"), ourOffer());
  EXPECT_EQ(s.remoteSetup, Setup::kPassive);
  EXPECT_EQ(s.localDtlsRole, DtlsRole::kClient);
}

TEST(AnswerReader, InactiveAnswerStopsUsSending) {
  std::string answer = chromiumAnswer();
  size_t video = answer.find("a=mid:1");
  answer.replace(answer.find("a=recvonly", video), 10, "a=inactive");
  NegotiatedSession s = read(answer, ourOffer());
  EXPECT_EQ(s.media[1].direction, Direction::kInactive);
  EXPECT_FALSE(s.media[1].local);
}

TEST(AnswerReader, TakesTheAnswersNumbersWhenItRenumbers) {
  std::string answer = replaced(chromiumAnswer(), "a=extmap:3 http://www.ietf.org/id/draft-holmer",
                                "a=extmap:9 http://www.ietf.org/id/draft-holmer");
  answer = replaced(answer, "96 97 98 99 108 109", "100 101 98 99 108 109");
  answer = replaced(answer, "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 goog-remb",
                    "a=rtpmap:100 VP8/90000\r\na=rtcp-fb:100 goog-remb");
  answer = replaced(answer, "a=rtcp-fb:96 ", "a=rtcp-fb:100 ");
  answer = replaced(answer, "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=rtpmap:98",
                    "a=rtpmap:101 rtx/90000\r\na=fmtp:101 apt=100\r\na=rtpmap:98");
  NegotiatedSession s = read(answer, ourOffer());
  const NegotiatedCodec& vp8 = s.media[1].codecs.at(0);
  EXPECT_EQ(vp8.name, "VP8");
  EXPECT_EQ(vp8.pt, 100);
  EXPECT_EQ(vp8.rtxPt, 101);
  EXPECT_EQ(vp8.rtcpFb.size(), 5u);
  EXPECT_EQ(vp8.rtcpFb[0].pt, 100);
  EXPECT_EQ(
      s.media[1].extensionId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"), 9);
}

void expectReadError(const std::string& answer, const std::string& reason) {
  auto r = AnswerReader(ourOffer().media).read(answer);
  ASSERT_FALSE(r.ok()) << reason;
  EXPECT_EQ(r.error().toString(), reason);
}

std::string atLine(int line, const std::string& reason) {
  return "line " + std::to_string(line) + ": " + reason;
}

TEST(AnswerReader, ReportsSpecificErrors) {
  const std::string answer = chromiumAnswer();
  expectReadError(answer.substr(0, answer.rfind("m=video")), "answer has 2 m-lines, the offer had 3");
  std::string renamed = replaced(answer, "a=mid:1", "a=mid:x");
  expectReadError(renamed,
                  atLine(lineOf(renamed, "m=video"), "answer m-line 2 is a=mid:x, the offer's is 1"));
  std::string unnamed = without(answer, "a=mid:1");
  expectReadError(unnamed,
                  atLine(lineOf(unnamed, "m=video"), "answer m-line 2 is without a=mid, the offer's is 1"));
  std::string swapped = replaced(answer, "m=audio", "m=video");
  expectReadError(swapped, atLine(8, "answer m-line 1 is video, the offer's is audio"));
  expectReadError(without(answer, "a=ice-pwd"), atLine(8, "answer lacks a=ice-ufrag/a=ice-pwd"));
  expectReadError(without(answer, "a=fingerprint"), "answer lacks a=fingerprint");
  expectReadError(replaced(answer, "a=setup:active", "a=setup:actpass"),
                  atLine(lineOf(answer, "a=setup"), "a=setup:actpass is not allowed in an answer"));
  expectReadError(replaced(answer, "a=setup:active", "a=setup:holdconn"),
                  atLine(lineOf(answer, "a=setup"), "a=setup:holdconn is not supported"));
  expectReadError(without(answer, "a=group:BUNDLE"), "answer lacks a=group:BUNDLE");
  expectReadError(replaced(answer, "a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1"),
                  atLine(lineOf(answer, "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"),
                         "answer accepts mid 2 outside its BUNDLE group"));
  expectReadError(without(answer, "a=rtcp-mux"), atLine(8, "answer lacks a=rtcp-mux (required)"));
  expectReadError(replaced(answer, "a=ice-ufrag:Hq7c", "a=ice-ufrag:Hq7"),
                  atLine(8, "a=ice-ufrag must be 4-256 characters"));
  std::string noCodec =
      replaced(answer, "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 108 109", "m=video 9 UDP/TLS/RTP/SAVPF 35");
  expectReadError(noCodec, atLine(lineOf(noCodec, "m=video"), "answer keeps no codec we offered for mid 1"));
  expectReadError(replaced(replaced(answer, "m=audio 9 ", "m=audio 0 "), "m=video 9 ", "m=video 0 "),
                  "answer rejects every m-line");
  std::string huge = answer;
  while (huge.size() <= kMaxSdpBytes) huge += "a=x-padding:" + std::string(100, 'p') + "\r\n";
  expectReadError(huge, "SDP body larger than 128 KiB");

  auto bogus = AnswerReader(ourOffer().media).read(replaced(answer, "a=setup:active", "a=setup:bogus"));
  ASSERT_FALSE(bogus.ok());
  EXPECT_EQ(bogus.error().line, lineOf(answer, "a=setup"));
}

TEST(AnswerReader, RejectedAudioStillLeavesVideo) {
  NegotiatedSession s = read(replaced(chromiumAnswer(), "m=audio 9 ", "m=audio 0 "), ourOffer());
  ASSERT_EQ(s.media.size(), 2u);
  EXPECT_EQ(s.media[0].mid, "1");
  EXPECT_EQ(s.bundleMids, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(s.remoteIce.ufrag, "Hq7c");  // read from the first accepted section
}

TEST(AnswerReader, EveryTruncationOfTheAnswerFailsOrReadsCleanly) {
  const std::string answer = chromiumAnswer();
  const Offer offer = ourOffer();
  AnswerReader reader(offer.media);
  size_t accepted = 0;
  for (size_t len = 0; len <= answer.size(); ++len) {
    auto r = reader.read(std::string_view(answer).substr(0, len));
    if (!r.ok()) {
      EXPECT_FALSE(r.error().reason.empty()) << len;
      continue;
    }
    ++accepted;
    EXPECT_LE(r->media.size(), offer.media.size());
    for (const auto& m : r->media) {
      if (m.direction == Direction::kSendOnly) {
        EXPECT_FALSE(m.codecs.empty()) << len;
      }
    }
  }
  EXPECT_GT(accepted, 0u);  // at least the whole answer (and cuts inside its last lines)
}

// A room subscriber that asked for data: the data channel section first, then media.
TEST(AnswerReader, DataChannelSectionIsOfferedAndItsAnswerRead) {
  std::vector<OfferSlot> slots = {{"dc", "application", std::nullopt, {}},
                                  {"0", "video", LocalStream{2222, 3333, "rtcgatecname", "alice", "alice-cam"}, {}}};
  auto offer = OfferBuilder(options()).build(slots, 1);
  ASSERT_TRUE(offer.ok()) << offer.error().toString();
  EXPECT_NE(offer->sdp.find("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"), std::string::npos);
  EXPECT_NE(offer->sdp.find("a=group:BUNDLE dc 0\r\n"), std::string::npos);
  EXPECT_NE(offer->sdp.find("a=sctp-port:5000\r\na=max-message-size:65536\r\n"), std::string::npos);
  // The candidates ride on the first section, the data one.
  EXPECT_LT(offer->sdp.find("a=candidate:"), offer->sdp.find("m=video"));
  ASSERT_EQ(offer->media.size(), 2u);
  EXPECT_EQ(offer->media[0].kind, "application");

  // What Chromium answers to such an offer (its data section as in its own offers).
  const std::string answer = R"(v=0
o=- 5238019247513849213 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE dc 0
a=msid-semantic: WMS
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=ice-ufrag:Hq7c
a=ice-pwd:4yUjzK2m8Yq1pZbXc0fRt3sN
a=ice-options:trickle
a=fingerprint:sha-256 5C:1E:A7:3B:90:0D:62:F4:8E:21:C9:7A:D3:55:0B:E8:46:9F:12:AB:7C:E0:33:58:C1:6D:94:2F:B7:08:EA:71
a=setup:active
a=mid:dc
a=sctp-port:5000
a=max-message-size:262144
m=video 9 UDP/TLS/RTP/SAVPF 96 97
c=IN IP4 0.0.0.0
a=ice-ufrag:Hq7c
a=ice-pwd:4yUjzK2m8Yq1pZbXc0fRt3sN
a=fingerprint:sha-256 5C:1E:A7:3B:90:0D:62:F4:8E:21:C9:7A:D3:55:0B:E8:46:9F:12:AB:7C:E0:33:58:C1:6D:94:2F:B7:08:EA:71
a=setup:active
a=mid:0
a=recvonly
a=rtcp-mux
a=rtpmap:96 VP8/90000
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
)";
  NegotiatedSession s = read(answer, *offer);
  ASSERT_TRUE(s.data.has_value());
  EXPECT_EQ(s.data->mid, "dc");
  EXPECT_EQ(s.data->remoteMaxMessageSize, 262144u);
  EXPECT_EQ(s.data->remoteSctpPort, 5000);
  ASSERT_EQ(s.media.size(), 1u);
  EXPECT_EQ(s.media[0].mid, "0");
  EXPECT_EQ(s.bundleMids, (std::vector<std::string>{"dc", "0"}));
  EXPECT_EQ(s.localDtlsRole, DtlsRole::kServer);

  // Rejected (port 0): no data; and a data slot with a track, or two of them, is refused.
  EXPECT_FALSE(read(replaced(answer, "m=application 9 ", "m=application 0 "), *offer).data.has_value());
  std::vector<OfferSlot> two = {slots[0], {"dc2", "application", std::nullopt, {}}};
  EXPECT_FALSE(OfferBuilder(options()).build(two, 1).ok());
  std::vector<OfferSlot> withTrack = {{"dc", "application", LocalStream{1, 0, "c", "s", "t"}, {}}};
  EXPECT_FALSE(OfferBuilder(options()).build(withTrack, 1).ok());
}

}  // namespace
}  // namespace rtcgate::wire::sdp
