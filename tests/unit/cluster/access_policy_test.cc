#include "cluster/access_policy.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rtcgate::cluster {
namespace {

using crypto::jwt::Grant;
using json = nlohmann::json;
constexpr int64_t kNow = 1'800'000'000;
const std::string kSecret = "an-hs256-secret-of-at-least-32-bytes!";

std::string token(json claims) {
  if (!claims.contains("exp")) claims["exp"] = kNow + 600;
  return *crypto::jwt::signToken(claims.dump(), *crypto::jwt::hmacKey(kSecret));
}

AccessPolicy withJwt(std::map<std::string, std::string> tokens = {}) {
  auto v = std::make_shared<const crypto::jwt::JwtVerifier>(std::vector{*crypto::jwt::hmacKey(kSecret)},
                                                            crypto::jwt::JwtVerifyOptions{});
  return AccessPolicy(std::move(tokens), v, [] { return kNow; });
}

TEST(AccessPolicy, OpenWithoutTokensOrJwt) {
  const AccessPolicy open;
  EXPECT_TRUE(open.stream(Grant::kPublish, "cam", "").allowed());
  EXPECT_TRUE(open.room("call", "alice", "").allowed());
  EXPECT_TRUE(open.admin("").allowed());
  EXPECT_TRUE(open.egress("cam", "").allowed());
}

TEST(AccessPolicy, StaticTokensByPrefix) {
  const AccessPolicy p({{"private-", "s3cret"}, {"room/vip", "door"}}, nullptr);
  EXPECT_EQ(p.stream(Grant::kPublish, "private-a", "").verdict, AccessVerdict::kUnauthenticated);
  EXPECT_EQ(p.stream(Grant::kPublish, "private-a", "nope").verdict, AccessVerdict::kForbidden);
  EXPECT_TRUE(p.stream(Grant::kSubscribe, "private-a", "s3cret").allowed());
  EXPECT_TRUE(p.stream(Grant::kPublish, "public", "").allowed());
  EXPECT_EQ(p.room("vip1", "bob", "").verdict, AccessVerdict::kUnauthenticated);
  EXPECT_TRUE(p.room("vip1", "bob", "door").allowed());
}

TEST(AccessPolicy, JwtNeedsATokenEverywhere) {
  const AccessPolicy p = withJwt();
  for (const auto& d : {p.stream(Grant::kPublish, "cam", ""), p.stream(Grant::kSubscribe, "cam", ""),
                        p.room("call", "alice", ""), p.admin(""), p.egress("cam", "")}) {
    EXPECT_EQ(d.verdict, AccessVerdict::kUnauthenticated);
    EXPECT_EQ(d.reason, "a token is required");
  }
  const auto garbage = p.stream(Grant::kPublish, "cam", "not.a.jwt");
  EXPECT_EQ(garbage.verdict, AccessVerdict::kUnauthenticated);
  EXPECT_EQ(garbage.reason.rfind("invalid token: ", 0), 0u) << garbage.reason;
  const auto expired = p.stream(Grant::kPublish, "cam",
                                token({{"stream", "cam"}, {"grants", {"publish"}}, {"exp", kNow - 60}}));
  EXPECT_EQ(expired.verdict, AccessVerdict::kUnauthenticated);
  EXPECT_EQ(expired.reason, "invalid token: token expired");
}

TEST(AccessPolicy, StreamsNeedTheGrantAndTheName) {
  const AccessPolicy p = withJwt();
  const std::string player = token({{"sub", "viewer"}, {"stream", "cam1"}, {"grants", {"subscribe"}}});
  const auto ok = p.stream(Grant::kSubscribe, "cam1", player);
  EXPECT_TRUE(ok.allowed());
  EXPECT_EQ(ok.identity, "viewer");
  const auto publish = p.stream(Grant::kPublish, "cam1", player);
  EXPECT_EQ(publish.verdict, AccessVerdict::kForbidden);
  EXPECT_EQ(publish.reason, "token lacks the publish grant");
  EXPECT_EQ(p.stream(Grant::kSubscribe, "cam2", player).verdict, AccessVerdict::kForbidden);
  const std::string prefix = token({{"stream", "live/*"}, {"grants", {"publish", "subscribe"}}});
  EXPECT_TRUE(p.stream(Grant::kPublish, "live/a", prefix).allowed());
  EXPECT_EQ(p.stream(Grant::kPublish, "cam1", prefix).verdict, AccessVerdict::kForbidden);
  // A token naming no stream opens none; an admin token is no publisher.
  EXPECT_FALSE(p.stream(Grant::kPublish, "cam1", token({{"grants", {"publish"}}})).allowed());
  EXPECT_FALSE(p.stream(Grant::kPublish, "cam1", token({{"grants", {"admin"}}})).allowed());
  EXPECT_TRUE(p.stream(Grant::kPublish, "cam1", token({{"stream", "*"}, {"grants", {"publish"}}})).allowed());
}

TEST(AccessPolicy, StaticTokensStillOpenTheirPrefixWithJwt) {
  const AccessPolicy p = withJwt({{"ingest-", "legacy-secret"}});
  EXPECT_TRUE(p.stream(Grant::kPublish, "ingest-1", "legacy-secret").allowed());
  EXPECT_EQ(p.stream(Grant::kPublish, "ingest-1", "wrong").verdict, AccessVerdict::kUnauthenticated);
  EXPECT_EQ(p.stream(Grant::kPublish, "other", "legacy-secret").verdict, AccessVerdict::kUnauthenticated);
  EXPECT_TRUE(p.stream(Grant::kPublish, "ingest-1", token({{"stream", "ingest-1"}, {"grants", {"publish"}}}))
                  .allowed());
}

TEST(AccessPolicy, RoomsCheckTheRoomAndTheIdentity) {
  const AccessPolicy p = withJwt();
  const std::string alice = token({{"sub", "alice"}, {"room", "call1"}, {"grants", {"subscribe"}}});
  const auto d = p.room("call1", "alice", alice);
  ASSERT_TRUE(d.allowed()) << d.reason;
  EXPECT_TRUE(d.grants.has(Grant::kSubscribe));
  EXPECT_FALSE(d.grants.has(Grant::kPublish));
  EXPECT_EQ(p.room("call1", "mallory", alice).verdict, AccessVerdict::kForbidden);
  EXPECT_EQ(p.room("call2", "alice", alice).verdict, AccessVerdict::kForbidden);
  EXPECT_TRUE(p.room("team-a", "anyone", token({{"room", "team-*"}, {"grants", {"publish"}}})).allowed());
  EXPECT_EQ(p.room("call1", "bob", token({{"room", "call1"}, {"grants", {"admin"}}})).verdict,
            AccessVerdict::kForbidden);
  EXPECT_EQ(p.room("call1", "bob", token({{"stream", "call1"}, {"grants", {"publish"}}})).verdict,
            AccessVerdict::kForbidden);
}

TEST(AccessPolicy, AdminAndEgressGrants) {
  const AccessPolicy p = withJwt();
  const std::string admin = token({{"grants", {"admin"}}});
  const std::string pusher = token({{"stream", "cam*"}, {"grants", {"egress"}}});
  EXPECT_TRUE(p.admin(admin).allowed());
  EXPECT_EQ(p.admin(pusher).verdict, AccessVerdict::kForbidden);
  EXPECT_EQ(p.admin(token({{"stream", "*"}, {"grants", {"publish", "subscribe"}}})).verdict,
            AccessVerdict::kForbidden);
  EXPECT_TRUE(p.egress("cam1", pusher).allowed());
  EXPECT_EQ(p.egress("other", pusher).verdict, AccessVerdict::kForbidden);
  EXPECT_TRUE(p.egress("other", admin).allowed());
  EXPECT_EQ(p.egress("cam1", token({{"stream", "cam1"}, {"grants", {"publish"}}})).verdict,
            AccessVerdict::kForbidden);
}

}  // namespace
}  // namespace rtcgate::cluster
