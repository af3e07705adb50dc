#include "crypto/jwt/jwt_claims.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rtcgate::crypto::jwt {
namespace {

using json = nlohmann::json;

TEST(JwtClaims, ReadsEveryClaimRtcgateUses) {
  auto c = claimsFromJson(json::parse(R"({"sub":"alice","exp":2000000000,"nbf":1999999000.5,"iat":1999999000,
      "iss":"ops","aud":["a","b"],"room":"call1","stream":"cam*","grants":["publish","subscribe","egress"],"x":1})"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->subject, "alice");
  EXPECT_EQ(c->expiresAt, 2000000000);
  EXPECT_EQ(c->notBefore, 1999999000);
  EXPECT_EQ(c->issuedAt, 1999999000);
  EXPECT_EQ(c->issuer, "ops");
  EXPECT_EQ(c->audience, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c->room, "call1");
  EXPECT_EQ(c->stream, "cam*");
  EXPECT_EQ(c->grants, (GrantSet{Grant::kPublish, Grant::kSubscribe, Grant::kEgress}));
  EXPECT_EQ(c->grants.toString(), "publish,subscribe,egress");
}

TEST(JwtClaims, RefusesWrongTypesAndMissingClaims) {
  for (const char* bad :
       {R"({"grants":[]})",               // no exp
        R"({"exp":"soon","grants":[]})",  // exp not a number
        R"({"exp":true,"grants":[]})",
        R"({"exp":1})",                             // no grants
        R"({"exp":1,"grants":"publish"})",          // grants not a list
        R"({"exp":1,"grants":["publish","fly"]})",  // unknown grant
        R"({"exp":1,"grants":[1]})", R"({"exp":1,"grants":[],"sub":5})", R"({"exp":1,"grants":[],"aud":5})",
        R"({"exp":1,"grants":[],"room":"a*b"})",  // '*' not at the end
        R"({"exp":1,"grants":[],"stream":"a b"})", R"({"exp":1e300,"grants":[]})", R"([1,2])"}) {
    EXPECT_FALSE(claimsFromJson(json::parse(bad)).ok()) << bad;
  }
}

TEST(JwtClaims, NamePatterns) {
  EXPECT_TRUE(namePatternMatches("cam1", "cam1"));
  EXPECT_FALSE(namePatternMatches("cam1", "cam10"));
  EXPECT_TRUE(namePatternMatches("cam*", "cam10"));
  EXPECT_TRUE(namePatternMatches("live/*", "live/x"));
  EXPECT_FALSE(namePatternMatches("live/*", "livex"));
  EXPECT_TRUE(namePatternMatches("*", "anything"));
  EXPECT_FALSE(namePatternMatches("", "cam1"));
}

TEST(JwtClaims, GrantLists) {
  auto g = parseGrantList("publish, subscribe,admin");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, (GrantSet{Grant::kPublish, Grant::kSubscribe, Grant::kAdmin}));
  EXPECT_FALSE(parseGrantList("publish,everything").ok());
  for (size_t i = 0; i < kGrantCount; ++i)
    EXPECT_EQ(grantFromName(grantName(static_cast<Grant>(i))), static_cast<Grant>(i));
}

}  // namespace
}  // namespace rtcgate::crypto::jwt
