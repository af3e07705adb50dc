#include "cluster/relay_messages.h"

#include <gtest/gtest.h>

namespace rtcgate::cluster {
namespace {

LinkEndpoint endpoint() {
  return {"10.0.0.2:40001", "abcd", "0123456789abcdefghijkl", "sha-256 AB:CD:EF"};
}

RelayAnswer answer() {
  RelayAnswer a;
  a.relay = "r1";
  a.link = "l1";
  a.linkEndpoint = endpoint();
  RelayTrack v{"video", 96, "VP8", 90000, 0, "", {{"urn:ietf:params:rtp-hdrext:sdes:mid", 4}}, {{"q", 11}, {"h", 12}, {"f", 13}}};
  RelayTrack a2{"audio", 111, "opus", 48000, 2, "minptime=10;useinbandfec=1", {}, {{"", 21}}};
  a.tracks = {v, a2};
  return a;
}

TEST(RelayMessages, RequestRoundTrips) {
  const RelayRequest r{"live/cam", "n2", endpoint()};
  const auto back = parseRelayRequest(relayRequestToJson(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->stream, "live/cam");
  EXPECT_EQ(back->node, "n2");
  EXPECT_EQ(back->endpoint.address, "10.0.0.2:40001");
  EXPECT_EQ(back->endpoint.icePwd, "0123456789abcdefghijkl");
}

TEST(RelayMessages, AnswerRoundTrips) {
  const auto back = parseRelayAnswer(relayAnswerToJson(answer()));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->relay, "r1");
  ASSERT_TRUE(back->linkEndpoint.has_value());
  ASSERT_EQ(back->tracks.size(), 2u);
  EXPECT_EQ(back->tracks[0].layers.size(), 3u);
  EXPECT_EQ(back->tracks[0].layers[2].rid, "f");
  EXPECT_EQ(back->tracks[0].layers[2].ssrc, 13u);
  EXPECT_EQ(back->tracks[0].extensions.at("urn:ietf:params:rtp-hdrext:sdes:mid"), 4);
  EXPECT_EQ(back->tracks[1].fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(back->tracks[1].channels, 2);
  RelayAnswer reused = answer();
  reused.linkEndpoint.reset();
  EXPECT_FALSE(parseRelayAnswer(relayAnswerToJson(reused))->linkEndpoint.has_value());
}

TEST(RelayMessages, RefusesWhatIsNotOne) {
  const char* requests[] = {
      "", "[]", R"({"stream":"a b","node":"n2","endpoint":{}})",
      R"({"stream":"cam","node":"n2"})",
      R"({"stream":"cam","node":"n2","endpoint":{"address":"nowhere","ice_ufrag":"abcd","ice_pwd":"0123456789abcdefghijkl","fingerprint":"sha-256 AB"}})",
      R"({"stream":"cam","node":"n2","endpoint":{"address":"1.2.3.4:0","ice_ufrag":"abcd","ice_pwd":"0123456789abcdefghijkl","fingerprint":"sha-256 AB"}})",
      R"({"stream":"cam","node":"n2","endpoint":{"address":"1.2.3.4:5","ice_ufrag":"ab","ice_pwd":"0123456789abcdefghijkl","fingerprint":"sha-256 AB"}})",
      R"({"stream":"cam","node":"n2","endpoint":{"address":"1.2.3.4:5","ice_ufrag":"abcd","ice_pwd":"short","fingerprint":"sha-256 AB"}})",
      R"({"stream":"cam","node":"n2","endpoint":{"address":"1.2.3.4:5","ice_ufrag":"abcd","ice_pwd":"0123456789abcdefghijkl","fingerprint":"md5 AB"}})",
  };
  for (const char* r : requests) {
    std::string why;
    EXPECT_FALSE(parseRelayRequest(r, &why).has_value()) << r;
    EXPECT_NE(why, "") << r;
  }
  auto bad = [](auto mutate) {
    RelayAnswer a = answer();
    mutate(a);
    return parseRelayAnswer(relayAnswerToJson(a)).has_value();
  };
  EXPECT_FALSE(bad([](RelayAnswer& a) { a.tracks[0].kind = "text"; }));
  EXPECT_FALSE(bad([](RelayAnswer& a) { a.tracks[0].layers.clear(); }));
  EXPECT_FALSE(bad([](RelayAnswer& a) { a.tracks[0].layers[1].ssrc = 11; }));
  EXPECT_FALSE(bad([](RelayAnswer& a) { a.tracks[0].layers[1].ssrc = 0; }));
  EXPECT_FALSE(bad([](RelayAnswer& a) { a.tracks[0].pt = 200; }));
  EXPECT_FALSE(bad([](RelayAnswer& a) { a.tracks[0].clockRate = 0; }));
  EXPECT_FALSE(bad([](RelayAnswer& a) { a.tracks[0].extensions["x"] = 0; }));
  EXPECT_FALSE(bad([](RelayAnswer& a) { a.relay = "bad id"; }));
  EXPECT_FALSE(bad([](RelayAnswer& a) { a.tracks.resize(5, a.tracks[1]); }));
  EXPECT_FALSE(bad([](RelayAnswer& a) { a.tracks[0].layers.resize(5, {"x", 99}); }));
  EXPECT_FALSE(parseRelayAnswer(R"({"relay":"r","link":"l","tracks":[{"kind":"video","pt":-1}]})").has_value());
}

}  // namespace
}  // namespace rtcgate::cluster
