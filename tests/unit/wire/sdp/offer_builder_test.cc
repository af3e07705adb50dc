#include "wire/sdp/offer_builder.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>

namespace rtcgate::wire::sdp {
namespace {

constexpr const char* kOurFingerprint =
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";

OfferOptions options() {
  OfferOptions o;
  o.iceUfrag = "srvU";
  o.icePwd = "0123456789abcdefghijklmn";
  o.fingerprint = kOurFingerprint;
  o.candidates = {{"192.0.2.10", 40000, "udp"}, {"192.0.2.10", 40001, "tcp"}};
  o.sessionId = 42;
  return o;
}

// Audio and video sent to the subscriber, plus one free (recycled) video m-line.
std::vector<OfferSlot> slots() {
  return {{"0", "audio", LocalStream{1111, 0, "rtcgatecname", "alice", "alice-mic"}, {}},
          {"1", "video", LocalStream{2222, 3333, "rtcgatecname", "alice", "alice-cam"}, {}},
          {"2", "video", std::nullopt, {}}};
}

Offer offer(const std::vector<OfferSlot>& s = slots(), uint64_t version = 1,
            const OfferOptions& o = options()) {
  auto r = OfferBuilder(o).build(s, version);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().toString());
  return r.ok() ? std::move(r.value()) : Offer{};
}

// The text of m= section `index` (from its m= line to the next one).
std::string section(const std::string& sdp, size_t index) {
  size_t begin = sdp.find("\r\nm=");
  for (size_t i = 0; i < index && begin != std::string::npos; ++i) begin = sdp.find("\r\nm=", begin + 1);
  if (begin == std::string::npos) return {};
  size_t end = sdp.find("\r\nm=", begin + 1);
  return sdp.substr(begin + 2, end == std::string::npos ? std::string::npos : end - begin);
}

bool has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

TEST(OfferBuilder, OfferCarriesBundleIceLiteActpassMsidSsrcAndFid) {
  Offer o = offer();
  auto again = SessionDescription::parse(o.sdp);
  ASSERT_TRUE(again.ok()) << again.error().toString();
  EXPECT_EQ(again.value(), o.description);
  const std::string& sdp = o.sdp;
  EXPECT_EQ(sdp.rfind("v=0\r\no=- 42 1 IN IP4 127.0.0.1\r\ns=rtcgate\r\nt=0 0\r\n", 0), 0u);
  for (const char* line : {"a=ice-lite\r\n", "a=group:BUNDLE 0 1 2\r\n", "a=msid-semantic: WMS\r\n"})
    EXPECT_TRUE(has(sdp, line)) << line;
  EXPECT_EQ(count(sdp, "a=setup:actpass\r\n"), 3u);
  EXPECT_EQ(count(sdp, "a=rtcp-mux\r\n"), 3u);
  EXPECT_EQ(count(sdp, "a=rtcp-rsize\r\n"), 3u);
  EXPECT_EQ(count(sdp, "a=ice-ufrag:srvU\r\n"), 3u);
  EXPECT_EQ(count(sdp, "a=fingerprint:sha-256 " + std::string(kOurFingerprint) + "\r\n"), 3u);

  std::string audio = section(sdp, 0);
  EXPECT_EQ(audio.rfind("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n", 0), 0u);
  for (const char* line :
       {"a=candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host\r\n", "tcptype passive\r\n",
        "a=end-of-candidates\r\n", "a=mid:0\r\n", "a=sendonly\r\n", "a=msid:alice alice-mic\r\n",
        "a=rtpmap:111 opus/48000/2\r\n", "a=rtcp-fb:111 transport-cc\r\n",
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n", "a=ssrc:1111 cname:rtcgatecname\r\n",
        "a=ssrc:1111 msid:alice alice-mic\r\n", "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n",
        "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n",
        "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"})
    EXPECT_TRUE(has(audio, line)) << line;
  EXPECT_FALSE(has(audio, "a=ssrc-group"));  // no RTX for audio

  std::string video = section(sdp, 1);
  EXPECT_EQ(video.rfind("m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 108 109 45 46\r\n", 0), 0u);
  for (const char* line :
       {"a=mid:1\r\n", "a=sendonly\r\n", "a=msid:alice alice-cam\r\n", "a=rtpmap:96 VP8/90000\r\n",
        "a=rtcp-fb:96 goog-remb\r\na=rtcp-fb:96 transport-cc\r\na=rtcp-fb:96 ccm fir\r\n"
        "a=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n",
        "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n", "a=fmtp:98 profile-id=0\r\n",
        "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n",
        "a=rtpmap:45 AV1/90000\r\n", "a=ssrc-group:FID 2222 3333\r\n", "a=ssrc:2222 cname:rtcgatecname\r\n",
        "a=ssrc:3333 msid:alice alice-cam\r\n"})
    EXPECT_TRUE(has(video, line)) << line;
  EXPECT_FALSE(has(video, "a=candidate"));  // candidates go in the first section only

  ASSERT_EQ(o.media.size(), 3u);
  const NegotiatedMedia& v = o.media[1];
  EXPECT_EQ(v.mid, "1");
  EXPECT_EQ(v.kind, "video");
  EXPECT_EQ(v.direction, Direction::kSendOnly);
  ASSERT_TRUE(v.local);
  EXPECT_EQ(v.local->rtxSsrc, 3333u);
  ASSERT_EQ(v.codecs.size(), 4u);
  EXPECT_EQ(v.codecs[0].name, "VP8");
  EXPECT_EQ(v.codecs[0].pt, 96);
  EXPECT_EQ(v.codecs[0].rtxPt, 97);
  EXPECT_EQ(v.codecs[0].rtcpFb.size(), 5u);
  EXPECT_EQ(v.codecs[2].fmtp, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  EXPECT_EQ(v.extensionId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"), 3);
  EXPECT_TRUE(v.rtcpRsize);
  EXPECT_EQ(o.media[0].codecs.at(0).channels, 2);
}

TEST(OfferBuilder, FreeSlotIsInactiveAndKeepsItsMid) {
  Offer o = offer();
  std::string free = section(o.sdp, 2);
  EXPECT_EQ(free.rfind("m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 108 109 45 46\r\n", 0), 0u);
  EXPECT_TRUE(has(free, "a=mid:2\r\n"));
  EXPECT_TRUE(has(free, "a=inactive\r\n"));
  for (const char* absent : {"a=msid", "a=ssrc", "a=sendonly", "a=candidate"})
    EXPECT_FALSE(has(free, absent)) << absent;
  EXPECT_EQ(o.media[2].direction, Direction::kInactive);
  EXPECT_FALSE(o.media[2].local);
  EXPECT_EQ(o.media[2].codecs.size(), 4u);
}

TEST(OfferBuilder, CandidatesInEverySectionWhenAsked) {
  OfferOptions opts = options();
  opts.candidatesInAllSections = true;
  Offer o = offer(slots(), 1, opts);
  EXPECT_EQ(count(o.sdp, "a=candidate:1 1 udp"), 3u);
  EXPECT_EQ(count(o.sdp, "a=end-of-candidates\r\n"), 3u);
}

TEST(OfferBuilder, PayloadTypesStayTheSameAcrossRenegotiations) {
  std::vector<OfferSlot> first = {{"0", "video", LocalStream{5, 6, "c", "bob", "cam"}, {{"H264", 90000}}},
                                  {"1", "audio", LocalStream{7, 0, "c", "bob", "mic"}, {{"opus", 48000}}}};
  std::vector<OfferSlot> second = {{"0", "video", std::nullopt, {}},
                                   {"1", "audio", std::nullopt, {}},
                                   {"2", "video", LocalStream{8, 9, "c", "eve", "cam"}, {{"vp9", 0}}},
                                   {"3", "video", LocalStream{10, 11, "c", "eve", "screen"}, {}}};
  Offer a = offer(first, 1);
  Offer b = offer(second, 2);
  EXPECT_TRUE(has(section(a.sdp, 0), "m=video 9 UDP/TLS/RTP/SAVPF 108 109\r\n"));
  EXPECT_TRUE(has(section(b.sdp, 2), "m=video 9 UDP/TLS/RTP/SAVPF 98 99\r\n"));
  std::map<std::string, std::tuple<uint8_t, std::optional<uint8_t>>> seen;
  size_t codecs = 0;
  for (const Offer* o : {&a, &b}) {
    for (const auto& media : o->media) {
      for (const auto& c : media.codecs) {
        auto known = seen.emplace(c.name + ' ' + c.fmtp, std::tuple(c.pt, c.rtxPt)).first;
        EXPECT_EQ(known->second, std::tuple(c.pt, c.rtxPt)) << c.name << " moved";
        ++codecs;
      }
    }
  }
  EXPECT_EQ(codecs, 2u + 4u + 1u + 1u + 4u);
  EXPECT_EQ(seen.size(), 5u);  // VP8, VP9, H264, AV1, opus — one number each
}

TEST(OfferBuilder, SessionVersionIsTheCallersAndIdStays) {
  Offer one = offer(slots(), 1);
  Offer two = offer(slots(), 2);
  EXPECT_EQ(one.description.field('o')->value, "- 42 1 IN IP4 127.0.0.1");
  EXPECT_EQ(two.description.field('o')->value, "- 42 2 IN IP4 127.0.0.1");
}

TEST(OfferBuilder, UnknownCodecGetsAFreePayloadTypeAndWellKnownOnesKeepTheirs) {
  OfferOptions opts = options();
  CodecCapability h265{"video", "H265", 90000, 0, {}, {{-1, "nack", ""}}, true};
  opts.videoCodecs.insert(opts.videoCodecs.begin(), h265);  // first, yet VP8 stays 96
  Offer o = offer(slots(), 1, opts);
  EXPECT_TRUE(has(section(o.sdp, 1), "m=video 9 UDP/TLS/RTP/SAVPF 100 101 96 97 98 99 108 109 45 46\r\n"));
  EXPECT_TRUE(has(o.sdp, "a=rtpmap:100 H265/90000\r\na=rtcp-fb:100 nack\r\na=rtpmap:101 rtx/90000\r\n"));
}

TEST(OfferBuilder, RoomStyleIdsWithSlashesAreAccepted) {
  Offer o = offer({{"0", "video", LocalStream{5, 6, "c", "demo/alice", "alice/camera"}, {}}});
  EXPECT_TRUE(has(o.sdp, "a=msid:demo/alice alice/camera\r\n"));
  EXPECT_TRUE(has(o.sdp, "a=ssrc:6 msid:demo/alice alice/camera\r\n"));
}

void expectOfferError(const std::vector<OfferSlot>& s, const OfferOptions& o, const std::string& reason) {
  auto r = OfferBuilder(o).build(s, 1);
  ASSERT_FALSE(r.ok()) << reason;
  EXPECT_EQ(r.error().toString(), reason);
}

TEST(OfferBuilder, ReportsSpecificErrors) {
  OfferOptions noCert = options();
  noCert.fingerprint.clear();
  expectOfferError(slots(), noCert, "offer options lack local ICE credentials or certificate fingerprint");
  OfferOptions noId = options();
  noId.sessionId = 0;
  expectOfferError(slots(), noId, "offer options lack a session id");
  OfferOptions manyExtensions = options();
  manyExtensions.headerExtensions.resize(15, "urn:x");
  expectOfferError(slots(), manyExtensions, "more than 14 header extensions to offer");
  expectOfferError({}, options(), "an offer needs at least one slot");

  auto with = [](auto change) {
    auto s = slots();
    change(s);
    return s;
  };
  expectOfferError(with([](auto& s) { s[2].mid = "1"; }), options(), "duplicate slot mid 1");
  expectOfferError(with([](auto& s) { s[2].mid = "a b"; }), options(),
                   "slot mid 'a b' is not a 1-16 character token");
  expectOfferError(with([](auto& s) { s[2].mid = std::string(17, 'm'); }), options(),
                   "slot mid 'mmmmmmmmmmmmmmmmm' is not a 1-16 character token");
  expectOfferError(with([](auto& s) { s[2].kind = "text"; }), options(),
                   "slot 2: kind must be audio, video or application");

  const std::string badTrack =
      "slot 1: track needs an ssrc (and a distinct rtx ssrc), a cname, a stream id and a track id";
  expectOfferError(with([](auto& s) { s[1].track->ssrc = 0; }), options(), badTrack);
  expectOfferError(with([](auto& s) { s[1].track->rtxSsrc = 2222; }), options(), badTrack);
  expectOfferError(with([](auto& s) { s[1].track->trackId = "a b"; }), options(), badTrack);
  expectOfferError(with([](auto& s) {
                     s[1].codecs = {{"H265", 90000}};
                   }),
                   options(), "slot 1: none of its codecs is among our video capabilities");
  expectOfferError(with([](auto& s) {
                     s[0].codecs = {{"opus", 8000}};
                   }),
                   options(), "slot 0: none of its codecs is among our audio capabilities");
}

}  // namespace
}  // namespace rtcgate::wire::sdp
