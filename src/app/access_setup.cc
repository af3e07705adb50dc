#include "app/access_setup.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "crypto/jwt/jwt_key.h"

namespace rtcgate::app {

namespace jwt = crypto::jwt;

std::string readKeyFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string(what) + ": cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > 1024 * 1024)
    throw std::runtime_error(std::string(what) + ": '" + path + "' is over 1 MiB");
  return text.str();
}

cluster::AccessPolicy makeAccessPolicy(const Config& config) {
  if (!config.jwtEnabled()) return cluster::AccessPolicy(config.tokens, nullptr);
  std::vector<jwt::JwtKey> keys;
  if (!config.jwtSecret.empty()) {
    auto key = jwt::hmacKey(config.jwtSecret);
    if (!key.ok()) throw std::runtime_error(std::string("auth.jwt_secret: ") + key.error().message);
    keys.push_back(std::move(*key));
  }
  if (!config.jwtPublicKeyFile.empty()) {
    auto key = jwt::publicKeyFromPem(readKeyFile(config.jwtPublicKeyFile, "auth.jwt_public_key_file"));
    if (!key.ok())
      throw std::runtime_error("auth.jwt_public_key_file " + config.jwtPublicKeyFile + ": " +
                               key.error().message);
    keys.push_back(std::move(*key));
  }
  if (!config.jwksFile.empty()) {
    auto jwks = jwt::keysFromJwks(readKeyFile(config.jwksFile, "auth.jwks_file"));
    if (!jwks.ok())
      throw std::runtime_error("auth.jwks_file " + config.jwksFile + ": " + jwks.error().message);
    for (auto& k : *jwks) keys.push_back(std::move(k));
  }
  jwt::JwtVerifyOptions options;
  options.clockSkewSeconds = config.clockSkewSeconds;
  options.audience = config.jwtAudience;
  options.issuer = config.jwtIssuer;
  return cluster::AccessPolicy(config.tokens,
                               std::make_shared<const jwt::JwtVerifier>(std::move(keys), options));
}

}  // namespace rtcgate::app
