#pragma once
// HttpSignaler: WHIP/WHEP signaling over HTTP (POST offer -> 201 + answer + Location,
// DELETE Location), with an optional bearer token and candidate IP override.

#include "signaler.h"

namespace rtcgate::load {

class HttpSignaler final : public Signaler {
 public:
  HttpSignaler(std::string token, std::string iceIp) : token_(std::move(token)), iceIp_(std::move(iceIp)) {}
  std::optional<Signaled> post(bool publisher, const std::string& url, const std::string& offer,
                               std::string& error) override;
  std::string remove(const std::string& location) override;

 private:
  std::string token_;
  std::string iceIp_;
};

}  // namespace rtcgate::load
