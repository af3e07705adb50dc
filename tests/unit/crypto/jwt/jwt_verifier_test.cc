#include "crypto/jwt/jwt_verifier.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "crypto/jwt/jwt_signature.h"
#include "test_keys.h"

namespace rtcgate::crypto::jwt {
namespace {

using json = nlohmann::json;
constexpr int64_t kNow = 1'800'000'000;
const std::string kSecret = "0123456789abcdef0123456789abcdef-secret";

json claims(int64_t exp = kNow + 600) {
  return {{"sub", "alice"}, {"exp", exp}, {"stream", "cam1"}, {"grants", {"publish"}}};
}

JwtKey secretKey(const std::string& s = kSecret) {
  return *hmacKey(s);
}

std::string hs256(const json& c, const std::string& secret = kSecret) {
  return *signToken(c.dump(), secretKey(secret));
}

// A token with any header and payload, signed over them with `key` (for forged headers).
std::string withHeader(const json& header, const json& payload, const JwtKey& key) {
  const std::string input = toBase64Url(header.dump()) + "." + toBase64Url(payload.dump());
  return input + "." + toBase64Url(*sign(key, input));
}

JwtVerifier verifier(std::vector<JwtKey> keys, int64_t skew = 30) {
  JwtVerifyOptions o;
  o.clockSkewSeconds = skew;
  return JwtVerifier(std::move(keys), o);
}

const testing::PemPair& ec() {
  static const testing::PemPair k = testing::ecKey();
  return k;
}
const testing::PemPair& rsa() {
  static const testing::PemPair k = testing::rsaKey();
  return k;
}

TEST(JwtVerifier, AcceptsAGoodHs256Token) {
  auto c = verifier({secretKey()}).verify(hs256(claims()), kNow);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->subject, "alice");
  EXPECT_EQ(c->stream, "cam1");
  EXPECT_TRUE(c->grants.has(Grant::kPublish));
  EXPECT_FALSE(c->grants.has(Grant::kSubscribe));
}

TEST(JwtVerifier, RefusesABadSignature) {
  const auto v = verifier({secretKey()});
  EXPECT_EQ(v.verify(hs256(claims(), kSecret + "x"), kNow).error().code, Error::Code::kAuthFailed);
  // A payload changed after signing (a subscriber making itself a publisher of more).
  std::string token = hs256(claims());
  const auto dot1 = token.find('.'), dot2 = token.rfind('.');
  json richer = claims();
  richer["stream"] = "*";
  const std::string forged = token.substr(0, dot1 + 1) + toBase64Url(richer.dump()) + token.substr(dot2);
  auto r = v.verify(forged, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_STREQ(r.error().message, "bad signature");
  // One flipped signature character.
  token.back() = token.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(v.verify(token, kNow).ok());
}

TEST(JwtVerifier, NeverAcceptsAlgNone) {
  const auto v = verifier({secretKey()});
  for (const char* alg : {"none", "None", "NONE", "nOnE"}) {
    const std::string input = toBase64Url(json{{"alg", alg}}.dump()) + "." + toBase64Url(claims().dump());
    for (const std::string& token : {input + ".", input + "." + toBase64Url(std::string_view("x"))}) {
      auto r = v.verify(token, kNow);
      ASSERT_FALSE(r.ok()) << token;
    }
    auto r = v.verify(input + "." + toBase64Url(std::string_view("sig")), kNow);
    EXPECT_EQ(r.error().code, Error::Code::kUnsupported);
  }
}

TEST(JwtVerifier, RefusesAnAlgorithmWithoutItsKey) {
  // An HS256 token where only a public key is configured: no key serves HS256.
  auto r = verifier({*publicKeyFromPem(ec().publicPem)}).verify(hs256(claims()), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Error::Code::kAuthFailed);
  // Unknown algorithms.
  for (const char* alg : {"HS512", "ES384", "PS256", "EdDSA", ""}) {
    auto t = withHeader({{"alg", alg}}, claims(), secretKey());
    EXPECT_EQ(verifier({secretKey()}).verify(t, kNow).error().code, Error::Code::kUnsupported) << alg;
  }
}

// The classic confusion: the attacker signs HS256 with the server's public key bytes as the
// secret, hoping the verifier uses "the key" for whatever alg the header names.
TEST(JwtVerifier, RefusesHs256SignedWithThePublicKey) {
  const JwtKey pub = *publicKeyFromPem(ec().publicPem);
  JwtKey confused;
  confused.algorithm = JwtAlgorithm::kHs256;
  confused.secret.assign(ec().publicPem.begin(), ec().publicPem.end());
  const std::string token = withHeader({{"alg", "HS256"}}, claims(), confused);
  EXPECT_FALSE(verifier({pub}).verify(token, kNow).ok());
  EXPECT_FALSE(verifier({pub, secretKey()}).verify(token, kNow).ok());
  const JwtKey rsaPub = *publicKeyFromPem(rsa().publicPem);
  confused.secret.assign(rsa().publicPem.begin(), rsa().publicPem.end());
  EXPECT_FALSE(verifier({rsaPub}).verify(withHeader({{"alg", "HS256"}}, claims(), confused), kNow).ok());
}

TEST(JwtVerifier, Es256AndRs256WithPemKeys) {
  const JwtKey ecPriv = *privateKeyFromPem(ec().privatePem);
  const JwtKey rsaPriv = *privateKeyFromPem(rsa().privatePem);
  EXPECT_EQ(ecPriv.algorithm, JwtAlgorithm::kEs256);
  EXPECT_EQ(rsaPriv.algorithm, JwtAlgorithm::kRs256);
  const std::string es = *signToken(claims().dump(), ecPriv);
  const std::string rs = *signToken(claims().dump(), rsaPriv);
  // ES256 signatures are raw r||s, 64 bytes (86 base64url characters).
  EXPECT_EQ(es.size() - es.rfind('.') - 1, 86u);
  const auto v =
      verifier({*publicKeyFromPem(ec().publicPem), *publicKeyFromPem(rsa().publicPem), secretKey()});
  auto a = v.verify(es, kNow);
  ASSERT_TRUE(a.ok()) << a.error().message;
  auto b = v.verify(rs, kNow);
  ASSERT_TRUE(b.ok()) << b.error().message;
  // Another EC key's signature fails.
  const JwtKey other = *privateKeyFromPem(testing::ecKey().privatePem);
  EXPECT_EQ(v.verify(*signToken(claims().dump(), other), kNow).error().code, Error::Code::kAuthFailed);
  // An RS256 signature relabelled ES256 (and the reverse) fails.
  const auto relabel = [](const std::string& t, const char* alg) {
    return toBase64Url(json{{"alg", alg}}.dump()) + t.substr(t.find('.'));
  };
  EXPECT_FALSE(v.verify(relabel(rs, "ES256"), kNow).ok());
  EXPECT_FALSE(v.verify(relabel(es, "RS256"), kNow).ok());
}

TEST(JwtVerifier, Es256SignatureFormConversion) {
  const JwtKey ecPriv = *privateKeyFromPem(ec().privatePem);
  const std::string input = "header.payload";
  auto raw = sign(ecPriv, input);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), kEs256SignatureBytes);
  auto der = ecdsaRawToDer(*raw);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ((*der)[0], 0x30);
  EXPECT_EQ(*ecdsaDerToRaw(*der), *raw);
  const JwtKey pub = *publicKeyFromPem(ec().publicPem);
  EXPECT_TRUE(verifySignature(pub, input, *raw));
  // A DER signature where JWS wants r||s is refused.
  EXPECT_FALSE(verifySignature(pub, input, *der));
  EXPECT_FALSE(ecdsaRawToDer(std::vector<uint8_t>(63)).ok());
}

TEST(JwtVerifier, ExpiryAndNotBeforeWithSkew) {
  const auto v = verifier({secretKey()}, 30);
  EXPECT_TRUE(v.verify(hs256(claims(kNow - 29)), kNow).ok());
  auto expired = v.verify(hs256(claims(kNow - 31)), kNow);
  ASSERT_FALSE(expired.ok());
  EXPECT_STREQ(expired.error().message, "token expired");
  EXPECT_FALSE(verifier({secretKey()}, 0).verify(hs256(claims(kNow - 1)), kNow).ok());
  EXPECT_TRUE(verifier({secretKey()}, 0).verify(hs256(claims(kNow)), kNow).ok());

  json early = claims();
  early["nbf"] = kNow + 29;
  EXPECT_TRUE(v.verify(hs256(early), kNow).ok());
  early["nbf"] = kNow + 31;
  auto r = v.verify(hs256(early), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_STREQ(r.error().message, "token not valid yet (nbf)");
  EXPECT_TRUE(v.verify(hs256(early), kNow + 2).ok());
  // Huge exp values do not overflow into the past.
  json forever = claims();
  forever["exp"] = INT64_MAX;
  EXPECT_TRUE(v.verify(hs256(forever), kNow).ok());
}

TEST(JwtVerifier, RefusesMalformedTokens) {
  const auto v = verifier({secretKey()});
  const std::string good = hs256(claims());
  const std::string head = good.substr(0, good.find('.'));
  const std::string sig = good.substr(good.rfind('.'));
  for (const std::string& bad : {std::string(), std::string("abc"), std::string("a.b"), good + ".x",
                                 std::string(".."), head + ".." + sig.substr(1), head + ".@@@" + sig,
                                 "eyJhbGciOiJIUzI1NiJ9" + good.substr(good.find('.')) + "=",
                                 toBase64Url(std::string_view("not json")) + good.substr(good.find('.')),
                                 toBase64Url(std::string_view("[\"alg\"]")) + good.substr(good.find('.'))}) {
    EXPECT_FALSE(v.verify(bad, kNow).ok()) << bad;
  }
  // Correctly signed, but the payload is no JSON object.
  const std::string input = head + "." + toBase64Url(std::string_view("{\"exp\":"));
  EXPECT_EQ(v.verify(input + "." + toBase64Url(*sign(secretKey(), input)), kNow).error().code,
            Error::Code::kMalformed);
  // Header with crit, or a kid that is not a string.
  EXPECT_FALSE(v.verify(withHeader({{"alg", "HS256"}, {"crit", {"exp"}}}, claims(), secretKey()), kNow).ok());
  EXPECT_FALSE(v.verify(withHeader({{"alg", "HS256"}, {"kid", 1}}, claims(), secretKey()), kNow).ok());
}

TEST(JwtVerifier, BoundsTheTokenSize) {
  json big = claims();
  big["pad"] = std::string(7000, 'x');
  const std::string token = hs256(big);
  ASSERT_GT(token.size(), kMaxTokenBytes);
  auto r = verifier({secretKey()}).verify(token, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_STREQ(r.error().message, "token longer than 8 KiB");
  big["pad"] = std::string(5000, 'x');
  EXPECT_TRUE(verifier({secretKey()}).verify(hs256(big), kNow).ok());
}

TEST(JwtVerifier, AudienceAndIssuer) {
  JwtVerifyOptions o;
  o.audience = "rtcgate";
  o.issuer = "https://id.example";
  const JwtVerifier v({secretKey()}, o);
  json c = claims();
  EXPECT_FALSE(v.verify(hs256(c), kNow).ok());
  c["aud"] = {"other", "rtcgate"};
  EXPECT_FALSE(v.verify(hs256(c), kNow).ok());
  c["iss"] = "https://id.example";
  EXPECT_TRUE(v.verify(hs256(c), kNow).ok());
  c["aud"] = "other";
  EXPECT_FALSE(v.verify(hs256(c), kNow).ok());
}

TEST(JwtVerifier, JwksKeysByKid) {
  const auto k1 = testing::ecKey();
  const auto k2 = rsa();
  auto j1 = json::parse(k1.jwk), j2 = json::parse(k2.jwk);
  j1["kid"] = "one";
  j1["use"] = "sig";
  j2["kid"] = "two";
  j2["alg"] = "RS256";
  auto enc = json::parse(testing::ecKey().jwk);
  enc["use"] = "enc";
  const json jwks{{"keys", {j1, j2, enc, {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "abc"}}}}};
  auto keys = keysFromJwks(jwks.dump());
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].kid, "one");
  EXPECT_EQ((*keys)[1].algorithm, JwtAlgorithm::kRs256);
  const auto v = verifier(*keys);
  EXPECT_TRUE(v.verify(*signToken(claims().dump(), *privateKeyFromPem(k1.privatePem), "one"), kNow).ok());
  EXPECT_TRUE(v.verify(*signToken(claims().dump(), *privateKeyFromPem(k2.privatePem), "two"), kNow).ok());
  // Without a kid, every key of the alg is tried.
  EXPECT_TRUE(v.verify(*signToken(claims().dump(), *privateKeyFromPem(k1.privatePem)), kNow).ok());
  // The key of the kid named, not another one.
  EXPECT_FALSE(
      v.verify(*signToken(claims().dump(), *privateKeyFromPem(testing::ecKey().privatePem), "one"), kNow)
          .ok());
}

TEST(JwtVerifier, RefusesWeakOrBrokenKeys) {
  EXPECT_FALSE(hmacKey("short").ok());
  EXPECT_FALSE(publicKeyFromPem(testing::ecKey("P-384").publicPem).ok());
  EXPECT_FALSE(publicKeyFromPem(testing::rsaKey(1024).publicPem).ok());
  EXPECT_FALSE(publicKeyFromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").ok());
  EXPECT_FALSE(privateKeyFromPem(ec().publicPem).ok());
  EXPECT_FALSE(keysFromJwks("[]").ok());
  EXPECT_FALSE(keysFromJwks(R"({"keys":[]})").ok());
  // A point that is not on the curve.
  auto j = json::parse(ec().jwk);
  std::string y = j["y"];
  y[5] = y[5] == 'A' ? 'B' : 'A';
  j["y"] = y;
  EXPECT_FALSE(keysFromJwks(json{{"keys", {j}}}.dump()).ok());
  // A JWK whose alg does not fit its type.
  auto wrong = json::parse(ec().jwk);
  wrong["alg"] = "HS256";
  EXPECT_FALSE(keysFromJwks(json{{"keys", {wrong}}}.dump()).ok());
}

}  // namespace
}  // namespace rtcgate::crypto::jwt
