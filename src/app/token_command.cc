#include "app/token_command.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/access_setup.h"
#include "app/config.h"
#include "base/clock.h"
#include "crypto/jwt/jwt_claims.h"
#include "crypto/jwt/jwt_key.h"
#include "crypto/jwt/jwt_verifier.h"

namespace rtcgate::app {

namespace jwt = crypto::jwt;

namespace {

struct TokenOptions {
  std::string configFile, keyFile, secret, kid, sub, room, stream, grants, issuer, audience;
  int64_t ttl = 3600;
  int64_t notBeforeIn = 0;
  bool withNotBefore = false;
};

// The signing key: --key (PEM private key), else --secret, else the config's jwt_secret.
jwt::JwtKey signingKey(const TokenOptions& o, const Config& config) {
  if (!o.keyFile.empty()) {
    auto key = jwt::privateKeyFromPem(readKeyFile(o.keyFile, "--key"));
    if (!key.ok()) throw std::runtime_error("--key " + o.keyFile + ": " + key.error().message);
    return std::move(*key);
  }
  const std::string& secret = o.secret.empty() ? config.jwtSecret : o.secret;
  if (secret.empty())
    throw std::runtime_error(
        "no signing key: give --key PEM, --secret, or a config whose [auth] has jwt_secret");
  auto key = jwt::hmacKey(secret);
  if (!key.ok()) throw std::runtime_error(std::string("secret: ") + key.error().message);
  return std::move(*key);
}

std::string mint(const TokenOptions& o, const Config& config) {
  auto grants = jwt::parseGrantList(o.grants);
  if (!grants.ok()) throw std::runtime_error(std::string("--grants: ") + grants.error().message);
  const int64_t now = unixTimeMs() / 1000;
  nlohmann::json claims{{"iat", now}, {"exp", now + o.ttl}};
  auto list = nlohmann::json::array();
  for (size_t i = 0; i < jwt::kGrantCount; ++i)
    if (grants->has(static_cast<jwt::Grant>(i))) list.push_back(jwt::grantName(static_cast<jwt::Grant>(i)));
  claims["grants"] = list;
  if (o.withNotBefore) claims["nbf"] = now + o.notBeforeIn;
  if (!o.sub.empty()) claims["sub"] = o.sub;
  if (!o.room.empty()) claims["room"] = o.room;
  if (!o.stream.empty()) claims["stream"] = o.stream;
  const std::string& iss = o.issuer.empty() ? config.jwtIssuer : o.issuer;
  const std::string& aud = o.audience.empty() ? config.jwtAudience : o.audience;
  if (!iss.empty()) claims["iss"] = iss;
  if (!aud.empty()) claims["aud"] = aud;
  // What the gateway would refuse is refused here, before anyone hands the token out.
  if (auto checked = jwt::claimsFromJson(claims); !checked.ok())
    throw std::runtime_error(std::string("claims: ") + checked.error().message);
  auto token = jwt::signToken(claims.dump(), signingKey(o, config), o.kid);
  if (!token.ok()) throw std::runtime_error(std::string("signing: ") + token.error().message);
  return *token;
}

}  // namespace

int tokenMain(int argc, char** argv) {
  CLI::App cli{"rtcgate token — mint an access token (docs/AUTH.md)", "rtcgate token"};
  TokenOptions o;
  cli.add_option("-c,--config", o.configFile,
                 "config file whose [auth] gives jwt_secret, jwt_issuer, jwt_audience")
      ->check(CLI::ExistingFile);
  cli.add_option("--key", o.keyFile, "PEM private key to sign with: EC P-256 (ES256) or RSA (RS256)")
      ->check(CLI::ExistingFile);
  cli.add_option("--secret", o.secret, "HS256 secret (default: the config's jwt_secret)");
  cli.add_option("--kid", o.kid, "key id put in the header (for a JWKS with several keys)");
  cli.add_option("--sub", o.sub, "participant identity (a room participant must join under this name)");
  cli.add_option("--room", o.room, "room the token is for: a name, or prefix*");
  cli.add_option("--stream", o.stream, "stream the token is for: a name, or prefix* (* = every stream)");
  cli.add_option("--grants", o.grants,
                 "comma-separated: publish, subscribe, publish_data, admin, record, mix, egress")
      ->required();
  cli.add_option("--ttl", o.ttl,
                 "seconds until it expires (default 3600; negative mints an expired token, for tests)")
      ->check(CLI::Range(int64_t{-86400}, int64_t{366} * 86400));
  auto* nbf = cli.add_option("--not-before", o.notBeforeIn, "seconds from now before it is valid (sets nbf)")
                  ->check(CLI::Range(int64_t{-86400}, int64_t{366} * 86400));
  cli.add_option("--iss", o.issuer, "issuer (default: the config's jwt_issuer)");
  cli.add_option("--aud", o.audience, "audience (default: the config's jwt_audience)");
  try {
    cli.parse(argc, argv);
    o.withNotBefore = nbf->count() > 0;
    Config config;
    if (!o.configFile.empty()) loadConfigFile(o.configFile, config);
    std::printf("%s\n", mint(o, config).c_str());
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rtcgate token: %s\n", e.what());
    return 2;
  }
  return 0;
}

}  // namespace rtcgate::app
