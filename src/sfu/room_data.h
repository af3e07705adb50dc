#pragma once
// RoomData: the data channel messages of one room's participants, on the room's worker.
// Each participant whose subscriber connection negotiated data channels is a member. A
// participant sends {"to": ["bob", ...], "data": x} (no "to": everyone else) on any channel;
// each recipient gets {"from": "alice", "data": x} on its channel of the same label, with
// that channel's reliability (docs/DATA.md "Rooms"). The sender's name is the one it
// joined with, never what the message says.

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "base/result.h"
#include "sfu/data_sink.h"

namespace rtcgate::sfu {

class RoomData {
 public:
  static constexpr size_t kMaxRecipients = 64;

  void add(const std::string& participant, DataSink& sink) { members_[participant] = &sink; }
  // Removes `participant` if `sink` is still its member (a replacement may have taken the name).
  void remove(const std::string& participant, const DataSink& sink);
  bool empty() const noexcept { return members_.empty(); }
  size_t size() const noexcept { return members_.size(); }

  // Routes one message of `from`; how many it reached, or an error that the sender is told
  // (not JSON, no "data", a recipient that is not in the room, binary).
  Result<size_t> forward(std::string_view from, const DataMessage& message);

 private:
  std::map<std::string, DataSink*, std::less<>> members_;
};

}  // namespace rtcgate::sfu
