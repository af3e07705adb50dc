#pragma once
// --self-test: checks the tool's own pieces without a server — encoder output survives
// packetize + depacketize byte-for-byte, keyframes are recognised, our offers are accepted
// by rtcgate's AnswerBuilder and its answers parse, and the receive-side loss/NACK logic.

namespace rtcgate::load {

// Prints one line per check; returns the number of failures.
int runSelfTest();

}  // namespace rtcgate::load
