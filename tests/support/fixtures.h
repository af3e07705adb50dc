#pragma once
// Test helpers: reading fixture files from the source tree.

#include <cstdint>
#include <string>
#include <vector>

namespace rtcgate::test {

// Absolute path of `relative` inside the source tree (e.g. "tests/fixtures/sdp/x.sdp").
std::string sourcePath(const std::string& relative);
std::string readTextFile(const std::string& relative);
std::vector<uint8_t> readBinaryFile(const std::string& relative);

}  // namespace rtcgate::test
