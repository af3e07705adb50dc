// Fuzzes the SDP parser and the answer builder: arbitrary text must parse or fail cleanly;
// whatever parses must survive serialize -> parse unchanged, and answering it must not crash.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wire/sdp/answer_builder.h"
#include "wire/sdp/session_description.h"

using rtcgate::wire::sdp::AnswerBuilder;
using rtcgate::wire::sdp::AnswerOptions;
using rtcgate::wire::sdp::SessionDescription;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = SessionDescription::parse(text);
  if (!parsed.ok()) return 0;
  auto again = SessionDescription::parse(parsed->serialize());
  if (!again.ok() || !(again.value() == parsed.value())) std::abort();

  static const AnswerOptions options = [] {
    AnswerOptions o;
    o.iceUfrag = "fuzz";
    o.icePwd = "0123456789abcdefghijklmn";
    o.fingerprint = "AA:BB";
    o.sessionId = 1;
    o.audioRed = true;
    o.candidates = {{"127.0.0.1", 5000, "udp"}, {"::1", 5000, "tcp"}};
    o.sendTracks = {{"", "video", {1, 2, "c", "s", "t"}}, {"0", "audio", {3, 0, "c", "s", "a"}}};
    return o;
  }();
  auto answer = AnswerBuilder(options).build(parsed.value());
  if (answer.ok() && !SessionDescription::parse(answer->sdp).ok()) std::abort();
  return 0;
}
