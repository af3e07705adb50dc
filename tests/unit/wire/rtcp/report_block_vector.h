#pragma once
// The hand-built report block shared by the SR, RR and report block tests.

#include <string_view>

#include "wire/rtcp/report_block.h"

namespace rtcgate::wire::rtcp::testvec {

// SSRC 0x55667788, fraction 0x40, cumulative lost -2, ext. highest 0x10005, jitter 32,
// LSR 0x12345678, DLSR 1 s.
inline constexpr std::string_view kBlock = "55667788 40fffffe 00010005 00000020 12345678 00010000";

inline ReportBlock expectedBlock() {
  return ReportBlock{0x55667788, 0x40, -2, 0x00010005, 0x20, 0x12345678, 0x10000};
}

}  // namespace rtcgate::wire::rtcp::testvec
