// WHIP/WHEP in a cluster (docs/CLUSTER.md): which node serves a new session. A publisher goes
// to the least loaded node of its region (a 307 to it when that is another node; RFC 9725
// §4.5 has WHIP clients follow redirects), after this node claims the stream in the
// directory; a player of a stream held on another node is served here through a relay.
#include <spdlog/spdlog.h>

#include "api/http_util.h"
#include "api/whip_handler.h"
#include "cluster/placement.h"

namespace rtcgate::api {

namespace {

// `target`'s query string with `name` set to `value` (any earlier value dropped).
std::string queryWith(std::string_view target, std::string_view name, std::string_view value) {
  const auto q = target.find('?');
  std::string out;
  if (q != std::string_view::npos) {
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const std::string_view part = rest.substr(0, amp);
      const std::string_view key = part.substr(0, part.find('='));
      if (!part.empty() && key != name) {
        if (!out.empty()) out += '&';
        out += part;
      }
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  if (!out.empty()) out += '&';
  out += std::string(name) + "=" + std::string(value);
  return out;
}

}  // namespace

net::HttpResponse WhipHandler::redirect(const net::HttpRequest& req, const std::string& stream,
                                        const cluster::NodeInfo& node) const {
  auto res = net::makeResponse(req, http::status::temporary_redirect, "served by node " + node.id + "\n", "text/plain");
  res.set(http::field::location, node.httpUrl + prefix() + stream + "?" + queryWith(req.target(), "node", node.id));
  spdlog::info("{}: '{}' sent to node {} ({})", mode_ == Mode::kWhip ? "whip" : "whep", stream, node.id, node.httpUrl);
  return res;
}

void WhipHandler::place(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply) {
  const std::string region = queryParam(req, "region");
  if (!region.empty() && !cluster::validNodeName(region))
    return reply(errorResponse(req, http::status::bad_request, "region must be 1-64 of [A-Za-z0-9_.-]"));
  if (mode_ == Mode::kWhip) return placePublisher(req, stream, reply);
  placePlayer(req, stream, reply);
}

void WhipHandler::placePublisher(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply) {
  const cluster::StreamEntry* local = registry_.stream(stream);
  const cluster::SessionEntry* source = local ? registry_.find(local->publisherId) : nullptr;
  // Published here already: a second publisher is refused (or replaces it) as on one node. A
  // stream relayed here is published on another node: that node decides (the claim below).
  if (source && source->kind != sfu::SessionKind::kRelayIn) return admit(req, stream, reply);
  const cluster::NodeInfo& self = cluster_->self();
  const bool sentHere = queryParam(req, "node") == self.id && !cluster_->draining();
  if (!sentHere) {
    // Our own record as it is now (draining is news the directory may not show yet).
    std::vector<cluster::NodeInfo> nodes = cluster_->nodes();
    for (auto& n : nodes)
      if (n.id == self.id) n.draining = cluster_->draining();
    if (!cluster_->available() && !cluster_->draining())
      return reply(errorResponse(req, http::status::service_unavailable,
                                 "the cluster directory (Redis) is unavailable: no new streams, retry later"));
    std::string region = queryParam(req, "region");
    if (region.empty()) region = self.region;
    const cluster::NodeInfo* target = cluster::chooseNode(nodes, self.id, region);
    if (!target)
      return reply(errorResponse(req, http::status::service_unavailable, "no node of the cluster takes new streams now"));
    if (target->id != self.id) return reply(redirect(req, stream, *target));
  }
  if (!cluster_->available())
    return reply(errorResponse(req, http::status::service_unavailable,
                               "the cluster directory (Redis) is unavailable: no new streams, retry later"));
  // The stream name is one namespace across the cluster: claim it before publishing.
  cluster_->claimStream(stream, [this, copy = std::make_shared<net::HttpRequest>(req), stream,
                                 reply](cluster::StreamOwner owner) {
    if (!owner.answered)
      return reply(errorResponse(*copy, http::status::service_unavailable,
                                 "the cluster directory (Redis) did not answer: " + owner.error));
    if (owner.node != cluster_->self().id)
      return reply(errorResponse(*copy, http::status::conflict,
                                 "stream '" + stream + "' is already being published on node " + owner.node));
    admit(*copy, stream, reply);
  });
}

void WhipHandler::placePlayer(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply) {
  const cluster::StreamEntry* local = registry_.stream(stream);
  if (local && !local->publisherId.empty()) return admit(req, stream, reply);
  if (!cluster_->available())
    return reply(errorResponse(req, http::status::service_unavailable,
                               "stream '" + stream + "' is not here and the cluster directory (Redis) is unavailable"));
  if (relays_) {
    // The stream is relayed here once, for every player of this node.
    return relays_->pull(stream, [this, copy = std::make_shared<net::HttpRequest>(req), stream,
                                  reply](std::optional<edge::RelayError> error) {
      if (error) return reply(errorResponse(*copy, static_cast<http::status>(error->status), error->reason));
      admit(*copy, stream, reply);
    });
  }
  cluster_->locateStream(stream, [this, copy = std::make_shared<net::HttpRequest>(req), stream,
                                  reply](cluster::StreamOwner owner) {
    const auto& req = *copy;
    if (!owner.answered)
      return reply(errorResponse(req, http::status::service_unavailable,
                                 "the cluster directory (Redis) did not answer: " + owner.error));
    if (owner.node.empty() || owner.node == cluster_->self().id) {
      // Published here meanwhile, or nowhere.
      const cluster::StreamEntry* now = registry_.stream(stream);
      if (now && !now->publisherId.empty()) return admit(req, stream, reply);
      return reply(errorResponse(req, http::status::not_found, "stream '" + stream + "' is not being published"));
    }
    const cluster::NodeInfo* node = cluster_->node(owner.node);
    if (!node)
      return reply(errorResponse(req, http::status::service_unavailable,
                                 "stream '" + stream + "' is on node " + owner.node + ", not known here yet: retry"));
    reply(redirect(req, stream, *node));
  });
}

}  // namespace rtcgate::api
