#pragma once
// What a synthetic receiver sends back about one incoming stream, as a browser does:
// NACKs for its gaps and a PLI while it waits for a keyframe. RFC 4585 §3.1: feedback goes
// in a compound that starts with an (empty) RR.

#include <cstddef>
#include <cstdint>

#include "seq_tracker.h"
#include "transport/webrtc/webrtc_transport.h"

namespace rtcgate::load {

// NACKs what `stream` has due now; returns how many sequence numbers (0: nothing was sent).
size_t sendNacks(transport::webrtc::WebRtcTransport& t, uint32_t senderSsrc, SeqTracker& stream, int64_t nowUs);
// True when the PLI went out.
bool sendPli(transport::webrtc::WebRtcTransport& t, uint32_t senderSsrc, uint32_t mediaSsrc);

}  // namespace rtcgate::load
