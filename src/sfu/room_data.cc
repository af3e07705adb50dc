#include "sfu/room_data.h"

#include <algorithm>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtcgate::sfu {

void RoomData::remove(const std::string& participant, const DataSink& sink) {
  auto it = members_.find(participant);
  if (it != members_.end() && it->second == &sink) members_.erase(it);
}

Result<size_t> RoomData::forward(std::string_view from, const DataMessage& message) {
  if (message.binary) return Error::unsupported("room data messages are JSON text: {\"to\": [...], \"data\": ...}");
  if (message.label == kMetadataLabel) return Error::unsupported("the metadata channel is not routed between participants");
  const auto& bytes = *message.bytes;
  auto envelope = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (envelope.is_discarded() || !envelope.is_object()) return Error::malformed("a room data message must be a JSON object");
  auto data = envelope.find("data");
  if (data == envelope.end()) return Error::malformed("a room data message needs \"data\"");

  // The recipients, all checked before anything is sent: a message goes out whole or not at all.
  std::vector<DataSink*> to;
  auto names = envelope.find("to");
  const bool addressed = names != envelope.end() && !names->is_null();
  if (addressed) {
    if (!names->is_array() || names->empty()) return Error::malformed("\"to\" must be a non-empty array of names");
    if (names->size() > kMaxRecipients) return Error::malformed("\"to\" names more than 64 participants");
    for (const auto& n : *names) {
      if (!n.is_string()) return Error::malformed("\"to\" must be a non-empty array of names");
      auto it = members_.find(n.get_ref<const std::string&>());
      if (it == members_.end()) return Error::malformed("a participant in \"to\" is not in the room or takes no data");
      if (it->first != from && std::find(to.begin(), to.end(), it->second) == to.end()) to.push_back(it->second);
    }
  } else {
    for (const auto& [name, sink] : members_)
      if (name != from) to.push_back(sink);
  }

  nlohmann::json out{{"from", from}, {"data", std::move(*data)}};
  if (addressed) out["private"] = true;  // to the named only
  const std::string text = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  DataMessage relayed{message.label, message.protocol, message.reliability, false,
                      std::make_shared<const std::vector<uint8_t>>(text.begin(), text.end()), std::nullopt};
  for (DataSink* sink : to) sink->onStreamData(relayed);
  return to.size();
}

}  // namespace rtcgate::sfu
