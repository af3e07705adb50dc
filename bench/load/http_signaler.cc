#include "http_signaler.h"

#include <cctype>

#include "http_client.h"

namespace rtcgate::load {

std::optional<Signaled> HttpSignaler::post(bool, const std::string& url, const std::string& offer, std::string& error) {
  HttpResponse res = httpRequest("POST", url, "application/sdp", offer, token_);
  if (!res.error.empty()) {
    error = "POST " + url + ": " + res.error;
    return std::nullopt;
  }
  if (res.status != 201 && res.status != 200) {
    std::string body = res.body.substr(0, 300);
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
    error = "POST " + url + ": HTTP " + std::to_string(res.status) + ": " + body;
    return std::nullopt;
  }
  auto answer = parseAnswer(res.body);
  if (!answer.ok()) {
    error = "POST " + url + ": " + answer.error().message;
    return std::nullopt;
  }
  if (!answer->candidate) {
    error = "POST " + url + ": answer has no UDP candidate";
    return std::nullopt;
  }
  if (!iceIp_.empty()) answer->candidate = SocketAddress::parse(iceIp_, answer->candidate->port());
  if (!answer->candidate) {
    error = "bad --ice-ip " + iceIp_;
    return std::nullopt;
  }
  if (res.location.empty()) {
    error = "POST " + url + ": no Location header";
    return std::nullopt;
  }
  return Signaled{std::move(*answer), res.location};
}

std::string HttpSignaler::remove(const std::string& location) {
  HttpResponse res = httpRequest("DELETE", location, "", "", token_, 2000);
  if (!res.error.empty()) return "DELETE " + location + ": " + res.error;
  if (res.status != 200 && res.status != 204) return "DELETE " + location + ": HTTP " + std::to_string(res.status);
  return {};
}

}  // namespace rtcgate::load
