#include "api/admin_handler.h"
#include "base/clock.h"
#include "crypto/jwt/jwt_verifier.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/http_util.h"
#include "cluster/local_directory.h"
#include "fake_workers.h"

namespace rtcgate::api {
namespace {

// Records the pushes asked for; none is ever refused.
class RecordingEgress final : public edge::EgressControl {
 public:
  void start(const std::string& stream, const std::string& url, Started done) override {
    started.push_back(stream + " " + url);
    done(std::nullopt, edge::EgressInfo{});
  }
  std::vector<edge::EgressInfo> list(const std::string&) const override { return listed; }
  bool stop(const std::string&, const std::string&) override { return false; }
  std::vector<std::string> started;
  std::vector<edge::EgressInfo> listed;
};

class AdminHandlerTest : public ::testing::Test {
 protected:
  net::HttpResponse call(http::verb m, const std::string& target, std::string body = "", std::string type = "",
                         std::string origin = "") {
    net::HttpRequest r{m, target, 11};
    r.set(http::field::host, "gw.example:8080");
    if (!type.empty()) r.set(http::field::content_type, type);
    if (!origin.empty()) r.set(http::field::origin, origin);
    r.body() = std::move(body);
    r.prepare_payload();
    std::optional<net::HttpResponse> out;
    admin_.handle(r, std::string_view(target).substr(5), net::HttpReply([&out](net::HttpResponse res) {
                    out = std::move(res);
                  }, 11, true));
    EXPECT_TRUE(out.has_value());
    return out ? std::move(*out) : net::HttpResponse{};
  }

  cluster::LocalDirectory registry_{2};
  testing::FakeWorkers workers_;
  RecordingEgress egress_;
  AdminHandler admin_{registry_, workers_, &egress_};
};

// The admin API used to answer `Access-Control-Allow-Origin: *`: any page could read it.
TEST_F(AdminHandlerTest, AnswersWithoutCorsHeaders) {
  auto res = call(http::verb::get, "/api/streams");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.find(http::field::access_control_allow_origin), res.end());
  auto missing = call(http::verb::get, "/api/nothing");
  EXPECT_EQ(missing.find(http::field::access_control_allow_origin), missing.end());
  EXPECT_EQ(call(http::verb::options, "/api/streams").result(), http::status::method_not_allowed);
}

// A page of another origin can make a browser send a simple POST without any preflight.
TEST_F(AdminHandlerTest, RefusesWhatAnotherOriginSends) {
  const std::string push = R"({"url":"rtmp://127.0.0.1/live/x"})";
  auto res = call(http::verb::post, "/api/streams/cam/egress", push, "application/json", "https://evil.example");
  EXPECT_EQ(res.result(), http::status::forbidden);
  EXPECT_EQ(call(http::verb::delete_, "/api/sessions/abc", "", "", "null").result(), http::status::forbidden);
  EXPECT_TRUE(egress_.started.empty());
  // The gateway's own pages may.
  EXPECT_EQ(call(http::verb::post, "/api/streams/cam/egress", push, "application/json", "http://GW.example:8080").result(),
            http::status::created);
  EXPECT_EQ(egress_.started.size(), 1u);
}

// The egress POST used to parse a body of any content type (a form or text/plain).
TEST_F(AdminHandlerTest, TakesOnlyJsonBodies) {
  const std::string push = R"({"url":"rtmp://127.0.0.1/live/x"})";
  EXPECT_EQ(call(http::verb::post, "/api/streams/cam/egress", push, "text/plain").result(),
            http::status::unsupported_media_type);
  EXPECT_EQ(call(http::verb::post, "/api/streams/cam/egress", push).result(), http::status::unsupported_media_type);
  EXPECT_TRUE(egress_.started.empty());
  EXPECT_EQ(call(http::verb::post, "/api/streams/cam/egress", push, "application/json; charset=utf-8").result(),
            http::status::created);
}

// An RTMP server's error text is whatever bytes it sent; the listing used to throw on
// invalid UTF-8 and answer 500.
TEST_F(AdminHandlerTest, ListsPushesWhoseErrorTextIsNotUtf8) {
  edge::EgressInfo push;
  push.id = "p1";
  push.stream = "cam";
  push.lastError = std::string("rejected: \xff\xfe bad \xc3");
  egress_.listed.push_back(push);
  auto res = call(http::verb::get, "/api/streams/cam/egress");
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  const auto json = nlohmann::json::parse(res.body());
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["last_error"].get<std::string>().rfind("rejected: ", 0), 0u);
  EXPECT_EQ(call(http::verb::get, "/api/streams/cam/egress/p1").result(), http::status::ok);
}

// With JWT auth the admin API (and /metrics) takes only admin tokens; a push takes the
// egress grant for its stream.
class AdminAuthTest : public AdminHandlerTest {
 protected:
  static constexpr const char* kSecret = "admin-handler-test-secret-32-bytes!";
  net::HttpResponse callWith(http::verb m, const std::string& target, const std::string& token, std::string body = "") {
    net::HttpRequest r{m, target, 11};
    if (!body.empty()) r.set(http::field::content_type, "application/json");
    if (!token.empty()) r.set(http::field::authorization, "Bearer " + token);
    r.body() = std::move(body);
    r.prepare_payload();
    std::optional<net::HttpResponse> out;
    secured_.handle(r, std::string_view(target).substr(5),
                    net::HttpReply([&out](net::HttpResponse res) { out = std::move(res); }, 11, true));
    EXPECT_TRUE(out.has_value());
    return out ? std::move(*out) : net::HttpResponse{};
  }
  static std::string mint(nlohmann::json c) {
    c["exp"] = unixTimeMs() / 1000 + 600;
    return *crypto::jwt::signToken(c.dump(), *crypto::jwt::hmacKey(kSecret));
  }
  cluster::AccessPolicy access_{{},
                                std::make_shared<const crypto::jwt::JwtVerifier>(
                                    std::vector{*crypto::jwt::hmacKey(kSecret)}, crypto::jwt::JwtVerifyOptions{})};
  AdminHandler secured_{registry_, workers_, &egress_, nullptr, &access_};
};

TEST_F(AdminAuthTest, NeedsAnAdminToken) {
  auto none = callWith(http::verb::get, "/api/streams", "");
  EXPECT_EQ(none.result(), http::status::unauthorized);
  EXPECT_EQ(std::string(none[http::field::www_authenticate]).rfind("Bearer", 0), 0u);
  EXPECT_EQ(callWith(http::verb::get, "/api/sessions", "garbage").result(), http::status::unauthorized);
  EXPECT_EQ(callWith(http::verb::get, "/api/streams", mint({{"stream", "*"}, {"grants", {"publish"}}})).result(),
            http::status::forbidden);
  EXPECT_EQ(callWith(http::verb::get, "/api/streams", mint({{"grants", {"admin"}}})).result(), http::status::ok);
}

TEST_F(AdminAuthTest, PushesNeedTheEgressGrantForTheirStream) {
  const std::string push = R"({"url":"rtmp://127.0.0.1/live/x"})";
  EXPECT_EQ(callWith(http::verb::post, "/api/streams/cam/egress", "", push).result(), http::status::unauthorized);
  const std::string pusher = mint({{"stream", "cam"}, {"grants", {"egress"}}});
  EXPECT_EQ(callWith(http::verb::post, "/api/streams/other/egress", pusher, push).result(), http::status::forbidden);
  EXPECT_TRUE(egress_.started.empty());
  EXPECT_EQ(callWith(http::verb::post, "/api/streams/cam/egress", pusher, push).result(), http::status::created);
  EXPECT_EQ(callWith(http::verb::post, "/api/streams/other/egress", mint({{"grants", {"admin"}}}), push).result(),
            http::status::created);
  EXPECT_EQ(egress_.started.size(), 2u);
  // The egress grant opens pushes only, not the rest of the API.
  EXPECT_EQ(callWith(http::verb::get, "/api/sessions", pusher).result(), http::status::forbidden);
}

}  // namespace
}  // namespace rtcgate::api
