// Table-driven checks of the typed attribute parsers (transport, RTP and simulcast).
#include <gtest/gtest.h>

#include "wire/sdp/codec_capability.h"
#include "wire/sdp/rtp_attributes.h"
#include "wire/sdp/simulcast_attributes.h"
#include "wire/sdp/transport_attributes.h"

namespace rtcgate::wire::sdp {
namespace {

TEST(Attributes, RtpmapAndFmtp) {
  auto r = Rtpmap::parse("111 opus/48000/2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->pt, 111);
  EXPECT_EQ(r->encoding, "opus");
  EXPECT_EQ(r->clockRate, 48000u);
  EXPECT_EQ(r->channels, 2);
  EXPECT_EQ(r->toString(), "111 opus/48000/2");
  EXPECT_EQ(Rtpmap::parse("96 VP8/90000")->toString(), "96 VP8/90000");
  for (const char* bad : {"", "128 VP8/90000", "x VP8/90000", "96 VP8", "96 VP8/0", "96 /90000", "96 a/1/2/3"})
    EXPECT_FALSE(Rtpmap::parse(bad)) << bad;
  auto f = Fmtp::parse("102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
  ASSERT_TRUE(f);
  auto params = parseFmtpParams(f->params);
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(findFmtpParam(params, "profile-level-id"), "42001f");
  EXPECT_EQ(joinFmtpParams(params), f->params);
  EXPECT_EQ(parseFmtpParams("111/111")[0].second, "111/111");
}

TEST(Attributes, RtcpFbExtmapSsrc) {
  auto fb = RtcpFb::parse("96 nack pli");
  ASSERT_TRUE(fb);
  EXPECT_EQ(fb->pt, 96);
  EXPECT_EQ(fb->param, "pli");
  EXPECT_EQ(RtcpFb::parse("* ccm fir")->pt, -1);
  EXPECT_FALSE(RtcpFb::parse("96"));
  auto e = Extmap::parse("3/sendonly urn:x attr");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->id, 3);
  EXPECT_EQ(e->direction, Direction::kSendOnly);
  EXPECT_EQ(e->uri, "urn:x");
  EXPECT_EQ(e->toString(), "3/sendonly urn:x attr");
  for (const char* bad : {"0 urn:x", "256 urn:x", "3/sideways urn:x", "3"}) EXPECT_FALSE(Extmap::parse(bad)) << bad;
  auto s = SsrcAttribute::parse("2407338442 msid:- 8b113e8c");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ssrc, 2407338442u);
  EXPECT_EQ(s->attribute, "msid");
  EXPECT_EQ(s->value, "- 8b113e8c");
  EXPECT_FALSE(SsrcAttribute::parse("4294967296 cname:x"));
  auto g = SsrcGroup::parse("SIM 1 2 3");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->ssrcs.size(), 3u);
  EXPECT_EQ(g->toString(), "SIM 1 2 3");
  EXPECT_EQ(reverseDirection(Direction::kSendOnly), Direction::kRecvOnly);
}

TEST(Attributes, TransportAttributes) {
  auto c = Candidate::parse("1 1 UDP 2122260223 10.0.0.1 5000 typ srflx raddr 192.168.1.2 rport 6000 generation 0");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->transport, "udp");
  EXPECT_EQ(c->type, "srflx");
  EXPECT_EQ(c->relAddr, "192.168.1.2");
  EXPECT_EQ(c->relPort, 6000);
  ASSERT_EQ(c->extensions.size(), 1u);
  EXPECT_EQ(c->toString(), "1 1 udp 2122260223 10.0.0.1 5000 typ srflx raddr 192.168.1.2 rport 6000 generation 0");
  for (const char* bad : {"1 1 udp 1 10.0.0.1 5000 host", "1 0 udp 1 a 1 typ host", "1 1 udp 1 a 70000 typ host",
                          "1 1 udp 1 a 1 typ host generation"})
    EXPECT_FALSE(Candidate::parse(bad)) << bad;
  std::string digest = "ab:CD";
  for (int i = 2; i < 32; ++i) digest += ":01";
  auto fp = Fingerprint::parse("SHA-256 " + digest);
  ASSERT_TRUE(fp);
  EXPECT_EQ(fp->hashFunc, "sha-256");
  EXPECT_FALSE(Fingerprint::parse("sha-256"));
  EXPECT_FALSE(Fingerprint::parse("sha-256 ABC:01"));
  // A digest of the wrong length used to pass here and fail in DTLS with a 500.
  EXPECT_FALSE(Fingerprint::parse("sha-256 ab:CD:01"));
  EXPECT_FALSE(Fingerprint::parse("sha-256 " + digest + ":02"));
  EXPECT_FALSE(Fingerprint::parse("sha-1 " + digest));
  EXPECT_TRUE(Fingerprint::parse("md5 " + digest));  // refused where it is used, by name
  EXPECT_EQ(parseSetup("passive").value(), Setup::kPassive);
  EXPECT_FALSE(parseSetup("both"));
  auto g = Group::parse("BUNDLE 0 1");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->mids.size(), 2u);
  auto m = Msid::parse("- e50fc0db");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->streamId, "-");
  EXPECT_EQ(m->trackId, "e50fc0db");
}

TEST(Attributes, RidAndSimulcast) {
  auto rid = Rid::parse("h send pt=96,98;max-width=1280;max-fps=30");
  ASSERT_TRUE(rid);
  EXPECT_EQ(rid->id, "h");
  EXPECT_EQ(rid->direction, RidDirection::kSend);
  EXPECT_EQ(rid->payloadTypes, (std::vector<uint8_t>{96, 98}));
  ASSERT_EQ(rid->restrictions.size(), 2u);
  EXPECT_EQ(rid->restrictions[0].first, "max-width");
  EXPECT_EQ(rid->toString(), "h send pt=96,98;max-width=1280;max-fps=30");
  for (const char* bad : {"h", "h both", "h send pt=x", "h! send"}) EXPECT_FALSE(Rid::parse(bad)) << bad;
  auto sc = Simulcast::parse("send 1,~2;3 recv r");
  ASSERT_TRUE(sc);
  ASSERT_EQ(sc->send.size(), 2u);
  ASSERT_EQ(sc->send[0].size(), 2u);
  EXPECT_TRUE(sc->send[0][1].paused);
  EXPECT_EQ(sc->send[0][1].rid, "2");
  EXPECT_EQ(sc->recv.size(), 1u);
  EXPECT_EQ(sc->toString(), "send 1,~2;3 recv r");
  for (const char* bad : {"", "send", "send a;;b", "both a", "send a send b"})
    EXPECT_FALSE(Simulcast::parse(bad)) << bad;
}

TEST(CodecCapability, H264ProfilesFollowRfc6184) {
  using P = H264ProfileLevel::Profile;
  EXPECT_EQ(H264ProfileLevel::parse("42e01f")->profile, P::kConstrainedBaseline);
  EXPECT_EQ(H264ProfileLevel::parse("42001f")->profile, P::kBaseline);
  EXPECT_EQ(H264ProfileLevel::parse("4d001f")->profile, P::kMain);
  EXPECT_EQ(H264ProfileLevel::parse("640c1f")->profile, P::kConstrainedHigh);
  EXPECT_EQ(H264ProfileLevel::parse("f4001f")->profile, P::kOther);
  EXPECT_FALSE(H264ProfileLevel::parse("42e0"));
  EXPECT_FALSE(H264ProfileLevel::parse("zze01f"));

  CodecCapability h264 = defaultVideoCodecs()[2];
  Rtpmap map{102, "H264", 90000, 0};
  auto pm1 = [](const char* plid) {
    return std::vector<FmtpParam>{{"level-asymmetry-allowed", "1"}, {"packetization-mode", "1"}, {"profile-level-id", plid}};
  };
  auto lower = matchCodec(h264, map, pm1("42e00d"));  // offer level 1.3: the answer may not exceed it
  ASSERT_TRUE(lower);
  EXPECT_EQ(joinFmtpParams(*lower), "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e00d");
  auto higher = matchCodec(h264, map, pm1("42e034"));  // offer level 5.2: ours (3.1) caps it
  ASSERT_TRUE(higher);
  EXPECT_EQ(findFmtpParam(*higher, "profile-level-id"), "42e01f");
  EXPECT_FALSE(matchCodec(h264, map, pm1("42001f")));  // baseline is not constrained baseline
  EXPECT_FALSE(matchCodec(h264, map, {{"profile-level-id", "42e01f"}}));  // mode 0 by default
  CodecCapability vp9 = defaultVideoCodecs()[1];
  EXPECT_TRUE(matchCodec(vp9, {98, "VP9", 90000, 0}, {{"profile-id", "0"}}));
  EXPECT_FALSE(matchCodec(vp9, {100, "VP9", 90000, 0}, {{"profile-id", "2"}}));
  CodecCapability opus = defaultAudioCodecs()[0];
  EXPECT_FALSE(matchCodec(opus, {111, "opus", 48000, 1}, {}));
  auto stereo = matchCodec(opus, {111, "OPUS", 48000, 2}, {{"stereo", "1"}, {"maxplaybackrate", "48000"}});
  ASSERT_TRUE(stereo);
  EXPECT_EQ(joinFmtpParams(*stereo), "stereo=1");
}

}  // namespace
}  // namespace rtcgate::wire::sdp
