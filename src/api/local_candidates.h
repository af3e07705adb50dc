#pragma once
// Our ICE candidates for a worker: its UDP port on each advertised address (or its own),
// then, with ICE-TCP, its passive TCP candidate on each of them.

#include <vector>

#include "api/api_config.h"
#include "cluster/media_workers.h"
#include "wire/sdp/answer_options.h"

namespace rtcgate::api {

std::vector<wire::sdp::HostCandidate> localCandidates(const cluster::MediaWorkers& workers, unsigned worker,
                                                      const ApiConfig& config);

}  // namespace rtcgate::api
