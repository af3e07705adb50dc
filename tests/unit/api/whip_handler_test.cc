#include "api/whip_handler.h"
#include "cluster/local_directory.h"
#include "cluster/stream_access.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/http_util.h"
#include "base/clock.h"
#include "crypto/jwt/jwt_verifier.h"
#include "fake_workers.h"
#include "support/fixtures.h"

namespace rtcgate::api {
namespace {

using testing::FakeWorkers;

class WhipHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = crypto::dtls::Certificate::generate();
    ASSERT_TRUE(c.ok());
    cert_ = std::move(*c);
    whip_ = std::make_unique<WhipHandler>(WhipHandler::Mode::kWhip, registry_, workers_, config_, *cert_);
    whep_ = std::make_unique<WhipHandler>(WhipHandler::Mode::kWhep, registry_, workers_, config_, *cert_);
  }
  net::HttpResponse call(WhipHandler& h, http::verb m, const std::string& target, std::string body = "",
                         std::string type = "application/sdp", std::string auth = "", std::string ifMatch = "") {
    net::HttpRequest r{m, target, 11};
    if (!type.empty()) r.set(http::field::content_type, type);
    if (!auth.empty()) r.set(http::field::authorization, auth);
    if (!ifMatch.empty()) r.set(http::field::if_match, ifMatch);
    r.body() = std::move(body);
    r.prepare_payload();
    const std::string prefix = target.substr(0, 6);
    std::string_view rest(target);
    rest.remove_prefix(6);
    if (auto q = rest.find('?'); q != std::string_view::npos) rest = rest.substr(0, q);
    std::optional<net::HttpResponse> out;
    h.handle(r, rest, net::HttpReply([&out](net::HttpResponse res) { out = std::move(res); }, 11, true));
    EXPECT_TRUE(out.has_value()) << "the fake workers answer at once";
    return out ? std::move(*out) : net::HttpResponse{};
  }
  std::string offer(const char* name) { return test::readTextFile(std::string("tests/fixtures/sdp/") + name); }

  ApiConfig config_;
  cluster::LocalDirectory registry_{2};
  FakeWorkers workers_;
  std::unique_ptr<crypto::dtls::Certificate> cert_;
  std::unique_ptr<WhipHandler> whip_, whep_;
};

TEST_F(WhipHandlerTest, PublishThenPlayThenDelete) {
  auto res = call(*whip_, http::verb::post, "/whip/cam1", offer("chromium-sendonly-offer.sdp"));
  ASSERT_EQ(res.result(), http::status::created) << res.body();
  const std::string location(res[http::field::location]);
  EXPECT_EQ(location.rfind("/whip/cam1/", 0), 0u);
  EXPECT_FALSE(res[http::field::etag].empty());
  EXPECT_EQ(res[http::field::content_type], "application/sdp");
  EXPECT_NE(res.body().find("a=ice-lite"), std::string::npos);
  EXPECT_NE(res.body().find("127.0.0.1 4000"), std::string::npos);  // our host candidate
  EXPECT_EQ(res[http::field::access_control_allow_origin], "*");

  // A second publisher of the same stream is refused.
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/cam1", offer("chromium-sendonly-offer.sdp")).result(),
            http::status::conflict);

  auto play = call(*whep_, http::verb::post, "/whep/cam1?layer=l", offer("chromium-recvonly-offer.sdp"));
  ASSERT_EQ(play.result(), http::status::created) << play.body();
  EXPECT_NE(play.body().find("a=ssrc:"), std::string::npos);
  EXPECT_NE(play.body().find("VP8/90000"), std::string::npos);
  ASSERT_EQ(workers_.started.size(), 2u);
  EXPECT_EQ(workers_.started[1].quality, sfu::Quality::kLow);

  const std::string pubId = location.substr(location.rfind('/') + 1);
  EXPECT_EQ(call(*whip_, http::verb::delete_, location, "", "").result(), http::status::ok);
  EXPECT_EQ(workers_.closed.back(), pubId);
  EXPECT_EQ(call(*whip_, http::verb::delete_, location, "", "").result(), http::status::not_found);
}

TEST(StreamNames, OnePartOrAppAndKey) {
  EXPECT_TRUE(cluster::validStreamName("cam1"));
  EXPECT_TRUE(cluster::validStreamName("live/cam1"));
  EXPECT_TRUE(cluster::validStreamName("a.b-c_d"));
  EXPECT_FALSE(cluster::validStreamName(""));
  EXPECT_FALSE(cluster::validStreamName("/cam"));
  EXPECT_FALSE(cluster::validStreamName("live/"));
  EXPECT_FALSE(cluster::validStreamName("a/b/c"));
  EXPECT_FALSE(cluster::validStreamName("live/.."));
  EXPECT_FALSE(cluster::validStreamName("bad name"));
  EXPECT_FALSE(cluster::validStreamName(std::string(65, 'a')));
  EXPECT_TRUE(cluster::validStreamName(std::string(64, 'a') + "/" + std::string(64, 'b')));
}

TEST_F(WhipHandlerTest, AppSlashKeyStreamsPublishPlayAndDelete) {
  auto res = call(*whip_, http::verb::post, "/whip/live/cam", offer("chromium-sendonly-offer.sdp"));
  ASSERT_EQ(res.result(), http::status::created) << res.body();
  const std::string location(res[http::field::location]);
  EXPECT_EQ(location.rfind("/whip/live/cam/", 0), 0u) << location;
  ASSERT_EQ(workers_.started.size(), 1u);
  EXPECT_EQ(workers_.started[0].stream, "live/cam");
  EXPECT_EQ(call(*whep_, http::verb::post, "/whep/live/cam", offer("chromium-recvonly-offer.sdp")).result(),
            http::status::created);
  EXPECT_EQ(call(*whip_, http::verb::delete_, location, "", "").result(), http::status::ok);
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/a/b/c", offer("chromium-sendonly-offer.sdp")).result(),
            http::status::bad_request);
}

TEST_F(WhipHandlerTest, ErrorsCarryStatusAndReason) {
  auto r = call(*whip_, http::verb::post, "/whip/cam1", offer("chromium-sendonly-offer.sdp"), "text/plain");
  EXPECT_EQ(r.result(), http::status::unsupported_media_type);
  r = call(*whip_, http::verb::post, "/whip/cam1", "v=0\r\nthis is not sdp\r\n");
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_NE(r.body().find("cannot answer offer"), std::string::npos) << r.body();
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/bad%20name", "x").result(), http::status::bad_request);
  EXPECT_EQ(call(*whep_, http::verb::post, "/whep/nobody", offer("chromium-recvonly-offer.sdp")).result(),
            http::status::not_found);
  EXPECT_EQ(call(*whep_, http::verb::delete_, "/whep/cam1/unknown", "", "").result(), http::status::not_found);
  EXPECT_EQ(call(*whip_, http::verb::get, "/whip/cam1", "", "").result(), http::status::method_not_allowed);
  EXPECT_TRUE(workers_.started.empty());
}

TEST_F(WhipHandlerTest, OptionsAnswersCorsPreflight) {
  auto r = call(*whip_, http::verb::options, "/whip/cam1", "", "");
  EXPECT_EQ(r.result(), http::status::no_content);
  EXPECT_EQ(r["Accept-Post"], "application/sdp");
  EXPECT_FALSE(r[http::field::access_control_allow_methods].empty());
}

TEST_F(WhipHandlerTest, TokensPerPrefix) {
  config_.access = cluster::AccessPolicy({{"private-", "s3cret"}}, nullptr);
  const auto sdp = offer("chromium-sendonly-offer.sdp");
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/private-a", sdp).result(), http::status::unauthorized);
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/private-a", sdp, "application/sdp", "Bearer nope").result(),
            http::status::forbidden);
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/private-a", sdp, "application/sdp", "Bearer s3cret").result(),
            http::status::created);
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/public", sdp).result(), http::status::created);
}

// With JWT auth: 401 without a token or with an expired one, 403 for a valid token without
// the grant or for another stream, 201 for the right one.
TEST_F(WhipHandlerTest, JwtBearerTokens) {
  const std::string secret = "whip-handler-test-secret-32-bytes-long";
  auto verifier = std::make_shared<const crypto::jwt::JwtVerifier>(std::vector{*crypto::jwt::hmacKey(secret)},
                                                                   crypto::jwt::JwtVerifyOptions{});
  config_.access = cluster::AccessPolicy({}, verifier);
  const auto bearer = [&](nlohmann::json c, int64_t ttl = 600) {
    c["exp"] = unixTimeMs() / 1000 + ttl;
    return "Bearer " + *crypto::jwt::signToken(c.dump(), *crypto::jwt::hmacKey(secret));
  };
  const auto sdp = offer("chromium-sendonly-offer.sdp");
  auto none = call(*whip_, http::verb::post, "/whip/cam1", sdp);
  EXPECT_EQ(none.result(), http::status::unauthorized);
  EXPECT_EQ(std::string(none[http::field::www_authenticate]).rfind("Bearer", 0), 0u);
  EXPECT_FALSE(none[http::field::access_control_allow_origin].empty());  // a page can read why
  auto expired = call(*whip_, http::verb::post, "/whip/cam1", sdp, "application/sdp",
                      bearer({{"stream", "cam1"}, {"grants", {"publish"}}}, -120));
  EXPECT_EQ(expired.result(), http::status::unauthorized);
  EXPECT_NE(expired.body().find("expired"), std::string::npos);
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/cam1", sdp, "application/sdp",
                 bearer({{"stream", "cam1"}, {"grants", {"subscribe"}}}))
                .result(),
            http::status::forbidden);
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/cam1", sdp, "application/sdp",
                 bearer({{"stream", "cam2"}, {"grants", {"publish"}}}))
                .result(),
            http::status::forbidden);
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/cam1", sdp, "application/sdp",
                 bearer({{"stream", "cam*"}, {"grants", {"publish"}}}))
                .result(),
            http::status::created);
}

TEST(Tokens, TheLongestPrefixDecides) {
  const std::map<std::string, std::string> tokens{{"", "all"}, {"live/", "live"}, {"live/vip", "vip"}};
  EXPECT_EQ(*cluster::requiredToken(tokens, "cam"), "all");
  EXPECT_EQ(*cluster::requiredToken(tokens, "live/cam"), "live");
  EXPECT_EQ(*cluster::requiredToken(tokens, "live/vip1"), "vip");
  EXPECT_EQ(cluster::requiredToken({{"private-", "x"}}, "public"), nullptr);
}

TEST_F(WhipHandlerTest, CapacityAndLayerPatch) {
  config_.maxSessions = 1;
  ASSERT_EQ(call(*whip_, http::verb::post, "/whip/a", offer("chromium-sendonly-offer.sdp")).result(),
            http::status::created);
  EXPECT_EQ(call(*whip_, http::verb::post, "/whip/b", offer("chromium-sendonly-offer.sdp")).result(),
            http::status::service_unavailable);
  config_.maxSessions = 10;
  auto play = call(*whep_, http::verb::post, "/whep/a", offer("chromium-recvonly-offer.sdp"));
  ASSERT_EQ(play.result(), http::status::created);
  const std::string loc(play[http::field::location]);
  EXPECT_EQ(call(*whep_, http::verb::patch, loc, "{\"layer\":\"m\"}", "application/json").result(), http::status::ok);
  EXPECT_EQ(workers_.quality, "m");
  EXPECT_EQ(call(*whep_, http::verb::patch, loc, "{\"layer\":\"x\"}", "application/json").result(),
            http::status::bad_request);
  EXPECT_EQ(call(*whep_, http::verb::patch, loc, "a=candidate:1 1 udp 1 1.2.3.4 5 typ host\r\n",
                 "application/trickle-ice-sdpfrag", "", std::string(play[http::field::etag]))
                .result(),
            http::status::no_content);
}

// The entity-tag guards the media path: an ICE restart without it, or with a stale one, is
// refused; a restart answers a new one, and the old one no longer works.
TEST_F(WhipHandlerTest, IceRestartNeedsTheSessionsETag) {
  auto res = call(*whip_, http::verb::post, "/whip/cam1", offer("chromium-sendonly-offer.sdp"));
  ASSERT_EQ(res.result(), http::status::created);
  const std::string loc(res[http::field::location]);
  const std::string etag(res[http::field::etag]);
  const std::string frag = "a=ice-ufrag:newU\r\na=ice-pwd:newpasswordnewpassword12\r\n";
  const char* type = "application/trickle-ice-sdpfrag";
  auto missing = call(*whip_, http::verb::patch, loc, frag, type);
  EXPECT_EQ(missing.result(), http::status::precondition_required) << missing.body();
  EXPECT_EQ(call(*whip_, http::verb::patch, loc, frag, type, "", "\"wrong\"").result(), http::status::precondition_failed);
  auto restarted = call(*whip_, http::verb::patch, loc, frag, type, "", etag);
  ASSERT_EQ(restarted.result(), http::status::ok) << restarted.body();
  EXPECT_NE(restarted.body().find("a=ice-ufrag:"), std::string::npos);
  EXPECT_NE(restarted.body().find("a=candidate:1 1 udp "), std::string::npos) << restarted.body();
  EXPECT_NE(restarted.body().find(" typ host"), std::string::npos);
  const std::string newEtag(restarted[http::field::etag]);
  EXPECT_FALSE(newEtag.empty());
  EXPECT_NE(newEtag, etag);
  const std::string frag2 = "a=ice-ufrag:newV\r\na=ice-pwd:newpasswordnewpassword34\r\n";
  EXPECT_EQ(call(*whip_, http::verb::patch, loc, frag2, type, "", etag).result(), http::status::precondition_failed);
  EXPECT_EQ(call(*whip_, http::verb::patch, loc, frag2, type, "", newEtag).result(), http::status::ok);
}

// A stream with audio only (an audio mix, a radio): the player's video section is answered
// inactive, not rejected, so Chromium keeps its bundle; the audio is sent as usual.
TEST_F(WhipHandlerTest, PlayingAnAudioOnlyStreamAnswersVideoInactive) {
  wire::sdp::NegotiatedMedia audio;
  audio.mid = "0";
  audio.kind = "audio";
  audio.codecs.push_back({111, "opus", 48000, 2, "minptime=10;useinbandfec=1", {}, std::nullopt});
  registry_.addPublisher({"mixid", sfu::SessionKind::kMix, "radio", 0, "", ""}, {audio});
  auto res = call(*whep_, http::verb::post, "/whep/radio", offer("chromium-recvonly-offer.sdp"));
  ASSERT_EQ(res.result(), http::status::created) << res.body();
  const std::string answer = res.body();
  const auto video = answer.find("m=video ");
  ASSERT_NE(video, std::string::npos);
  EXPECT_NE(answer.compare(video, 10, "m=video 0 "), 0) << answer;  // accepted (port not 0), bundled
  EXPECT_NE(answer.find("a=inactive", video), std::string::npos) << answer;
  const auto audioAt = answer.find("m=audio ");
  ASSERT_NE(audioAt, std::string::npos);
  EXPECT_NE(answer.find("a=sendonly", audioAt), std::string::npos);
  EXPECT_NE(answer.find("a=group:BUNDLE 0 1"), std::string::npos) << answer;
}

// Credentials an ICE agent could not use (RFC 8839 §5.4) are refused before the worker sees them.
TEST_F(WhipHandlerTest, IceRestartWithBadCredentialsIs400) {
  auto res = call(*whip_, http::verb::post, "/whip/cam1", offer("chromium-sendonly-offer.sdp"));
  ASSERT_EQ(res.result(), http::status::created);
  const std::string loc(res[http::field::location]);
  const std::string etag(res[http::field::etag]);
  const char* type = "application/trickle-ice-sdpfrag";
  for (const char* frag : {"a=ice-ufrag:ab\r\na=ice-pwd:newpasswordnewpassword12\r\n",
                           "a=ice-ufrag:abcd\r\na=ice-pwd:short\r\n",
                           "a=ice-ufrag:ab:cd\r\na=ice-pwd:newpasswordnewpassword12\r\n",
                           "a=ice-ufrag:abcd\r\na=ice-pwd:newpassword newpassword12\r\n"}) {
    const auto r = call(*whip_, http::verb::patch, loc, frag, type, "", etag);
    EXPECT_EQ(r.result(), http::status::bad_request) << frag << r.body();
  }
  EXPECT_TRUE(workers_.started.size() == 1u);
}

}  // namespace
}  // namespace rtcgate::api
