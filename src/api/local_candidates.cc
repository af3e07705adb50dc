#include "api/local_candidates.h"

namespace rtcgate::api {

std::vector<wire::sdp::HostCandidate> localCandidates(const cluster::MediaWorkers& workers, unsigned worker,
                                                      const ApiConfig& config) {
  const SocketAddress udp = workers.udpAddress(worker);
  std::vector<wire::sdp::HostCandidate> out;
  if (config.advertisedIps.empty()) out.push_back({udp.ipString(), udp.port(), "udp"});
  for (const auto& ip : config.advertisedIps) out.push_back({ip, udp.port(), "udp"});
  return out;
}

}  // namespace rtcgate::api
