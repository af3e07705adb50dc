#pragma once
// The WebRTC transport's life cycle is every media transport's (transport/transport_state.h).

#include "transport/transport_state.h"

namespace rtcgate::transport::webrtc {

using transport::TransportState;
using transport::transportStateName;

}  // namespace rtcgate::transport::webrtc
