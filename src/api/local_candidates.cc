#include "api/local_candidates.h"

namespace rtcgate::api {

std::vector<wire::sdp::HostCandidate> localCandidates(const cluster::MediaWorkers& workers, unsigned worker,
                                                      const ApiConfig& config) {
  const SocketAddress udp = workers.udpAddress(worker);
  const SocketAddress tcp = workers.tcpAddress(worker);
  std::vector<std::string> ips = config.advertisedIps;
  if (ips.empty()) ips.push_back(udp.ipString());
  std::vector<wire::sdp::HostCandidate> out;
  for (const auto& ip : ips) out.push_back({ip, udp.port(), "udp"});
  // RFC 6544: a passive TCP candidate per address, ranked below every UDP one.
  if (!tcp.empty())
    for (const auto& ip : ips) out.push_back({ip, tcp.port(), "tcp"});
  return out;
}

}  // namespace rtcgate::api
