#pragma once
// SessionSpec: what the control thread decided for a new WebRTC session — its negotiated
// SDP, our ICE identity, the simulcast quality a player asked for.

#include <cstdint>
#include <string>

#include "sfu/simulcast.h"
#include "transport/ice/ice_types.h"
#include "wire/sdp/negotiated_session.h"

namespace rtcgate::sfu {

struct SessionSpec {
  std::string id;
  std::string stream;
  wire::sdp::NegotiatedSession negotiated;
  transport::ice::IceCredentials localIce;
  Quality quality = Quality::kHigh;  // players: the simulcast quality asked for
  int64_t createdMs = 0;
  // A room subscriber: the participant it belongs to, and whether it may send data to the
  // others (the publishData grant).
  std::string participant;
  bool sendsRoomData = true;
  // A stream relayed here: the node it comes from.
  std::string peerNode;
  // SSRCs the SRTP state is kept for, each way (a room subscriber sends a track per slot).
  size_t maxSsrcs = 64;
};

}  // namespace rtcgate::sfu
