// Fuzzes the HTTP surface as a client reaches it: bytes parsed by the listener's request
// parser (same limits), routed through the gateway's route table to the real handlers
// (WHIP, WHEP, admin API with its JSON bodies, metrics, health, static files), with media
// workers that answer at once. The first byte picks what the rest is:
//   0: raw HTTP/1.1 requests, one after another ("{id}" / "{etag}" become the live
//      publisher's session id and entity-tag, so session paths are reachable);
//   1: the body of a trickle-ice-sdpfrag PATCH to the live publisher (right If-Match);
//   2: the JSON body of an RTMP push (POST /api/streams/cam/egress);
//   3: the JSON body of a WHEP layer choice (PATCH of the live player).
// Every request must be answered at once, and a static file answered 200 must be one of
// the web root's own files.
#include <spdlog/spdlog.h>

#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <unistd.h>

#include "../unit/api/fake_workers.h"
#include "api/admin_handler.h"
#include "api/health_handler.h"
#include "api/metrics_handler.h"
#include "api/static_handler.h"
#include "api/whip_handler.h"
#include "cluster/local_directory.h"
#include "crypto/dtls/certificate.h"
#include "edge/egress_policy.h"
#include "net/event_loop.h"
#include "net/http_server.h"
#include "transport/rtmp/rtmp_url.h"

namespace {

using namespace rtcgate;
namespace http = boost::beast::http;

constexpr std::string_view kIndex = "<!doctype html><title>rtcgate</title>\n";

// Pushes as the gateway's EgressManager refuses them, without a worker to push from.
struct CheckingEgress : edge::EgressControl {
  edge::EgressPolicy policy;
  void start(const std::string&, const std::string& url, Started done) override {
    const auto parsed = transport::rtmp::RtmpUrl::parse(url);
    if (!parsed.ok()) return done(edge::EgressRefusal{400, parsed.error().message}, {});
    if (const auto literal = SocketAddress::parse(parsed->host, parsed->port))
      if (auto why = policy.refusal(*literal)) return done(edge::EgressRefusal{403, *why}, {});
    edge::EgressInfo info;
    info.id = "push1";
    info.url = parsed->redacted();
    done(std::nullopt, info);
  }
  std::vector<edge::EgressInfo> list(const std::string&) const override { return {}; }
  bool stop(const std::string&, const std::string&) override { return false; }
};

std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

const crypto::dtls::Certificate& certificate() {
  static auto cert = crypto::dtls::Certificate::generate();
  if (!cert.ok()) std::abort();
  return **cert;
}

const std::string& webRoot() {
  static const std::string root = [] {
    auto dir = std::filesystem::temp_directory_path() / ("rtcgate-fuzz-web-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "js");
    std::ofstream(dir / "index.html") << kIndex;
    std::ofstream(dir / "js" / "a.js") << kIndex;
    return dir.string();
  }();
  return root;
}

// The static files, with the check that a 200 is one of the web root's own files.
struct CheckedFiles : net::HttpHandler {
  api::StaticHandler inner{webRoot()};
  void handle(const net::HttpRequest& req, std::string_view rest, net::HttpReply reply) override {
    inner.handle(req, rest, net::HttpReply(
                                [reply](net::HttpResponse res) {
                                  if (res.result() == http::status::ok && res.body() != kIndex) std::abort();
                                  reply(std::move(res));
                                },
                                req.version(), req.keep_alive()));
  }
};

// One gateway's worth of HTTP handlers; rebuilt when it fills up so runs stay repeatable.
struct World {
  World() {
    spdlog::set_level(spdlog::level::off);  // a log line per session would be most of the time
    config.maxSessions = 32;
    config.maxStreams = 16;
    config.webRoot = webRoot();
    server.route(net::HttpMethod::get, "/healthz", health);
    server.routeAnyMethod("/whip/", whip);
    server.routeAnyMethod("/whep/", whep);
    server.routeAnyMethod("/api/", admin);
    server.route(net::HttpMethod::get, "/metrics", metrics);
    server.route(net::HttpMethod::get, "/", files);
    static const std::string sendonly = readFile(RTCGATE_SOURCE_DIR "/tests/fixtures/sdp/chromium-sendonly-offer.sdp");
    static const std::string recvonly = readFile(RTCGATE_SOURCE_DIR "/tests/fixtures/sdp/chromium-recvonly-offer.sdp");
    publisher = createSession("/whip/cam", sendonly);
    player = createSession("/whep/cam", recvonly);
    if (publisher.empty() || player.empty()) std::abort();  // the fixture offers must be accepted
  }

  std::string createSession(const std::string& target, const std::string& offer) {
    net::HttpRequest req{http::verb::post, target, 11};
    req.set(http::field::content_type, "application/sdp");
    req.body() = offer;
    req.prepare_payload();
    const auto res = server.dispatchNow(req);
    if (!res || res->result() != http::status::created) return {};
    return std::string((*res)[http::field::location]);
  }

  std::string etagOf(const std::string& location) const {
    const auto* e = registry.find(location.substr(location.rfind('/') + 1));
    return e ? e->etag : "\"gone\"";
  }

  void dispatch(const net::HttpRequest& req) {
    const auto res = server.dispatchNow(req);
    if (!res) std::abort();  // every request is answered (the fake workers answer at once)
    workers.started.clear();
    workers.closed.clear();
  }

  net::EventLoop loop{"fuzz"};
  net::HttpServer server{loop, net::HttpLimits{}};
  api::ApiConfig config;
  cluster::LocalDirectory registry{2};
  api::testing::FakeWorkers workers;
  CheckingEgress egress;
  api::HealthHandler health;
  api::WhipHandler whip{api::WhipHandler::Mode::kWhip, registry, workers, config, certificate()};
  api::WhipHandler whep{api::WhipHandler::Mode::kWhep, registry, workers, config, certificate()};
  api::AdminHandler admin{registry, workers, &egress};
  api::MetricsHandler metrics{workers, nullptr, &server};
  CheckedFiles files;
  std::string publisher, player;
};

void replaceAll(std::string& s, std::string_view from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
}

void rawRequests(World& w, std::string text) {
  replaceAll(text, "{id}", w.publisher.substr(w.publisher.rfind('/') + 1));
  replaceAll(text, "{etag}", w.etagOf(w.publisher));
  std::string_view rest(text);
  for (int i = 0; i < 8 && !rest.empty(); ++i) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    const size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec || !parser.is_done()) return;  // the listener answers 400 or waits for more
    rest.remove_prefix(used);
    w.dispatch(parser.get());
  }
}

void patch(World& w, const std::string& location, std::string_view type, std::string body) {
  net::HttpRequest req{http::verb::patch, location, 11};
  req.set(http::field::content_type, type);
  req.set(http::field::if_match, w.etagOf(location));
  req.body() = std::move(body);
  req.prepare_payload();
  w.dispatch(req);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<World> world;
  if (!world || world->registry.sessionCount() >= 24) world = std::make_unique<World>();
  if (size == 0) return 0;
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: rawRequests(*world, std::move(rest)); break;
    case 1: patch(*world, world->publisher, "application/trickle-ice-sdpfrag", std::move(rest)); break;
    case 2: {
      net::HttpRequest req{http::verb::post, "/api/streams/cam/egress", 11};
      req.set(http::field::content_type, "application/json");
      req.body() = std::move(rest);
      req.prepare_payload();
      world->dispatch(req);
      break;
    }
    default: patch(*world, world->player, "application/json", std::move(rest)); break;
  }
  return 0;
}
