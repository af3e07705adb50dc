#include "support/fixtures.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace rtcgate::test {

std::string sourcePath(const std::string& relative) {
  return std::string(RTCGATE_SOURCE_DIR) + "/" + relative;
}

std::string readTextFile(const std::string& relative) {
  std::ifstream in(sourcePath(relative), std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + relative);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<uint8_t> readBinaryFile(const std::string& relative) {
  const std::string s = readTextFile(relative);
  return {s.begin(), s.end()};
}

}  // namespace rtcgate::test
