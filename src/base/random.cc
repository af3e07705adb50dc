#include "base/random.h"

#include <sys/random.h>

namespace rtcgate {

void randomBytes(std::span<uint8_t> out) noexcept {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n > 0) done += static_cast<size_t>(n);
  }
}

uint32_t randomU32() noexcept {
  uint32_t v = 0;
  randomBytes({reinterpret_cast<uint8_t*>(&v), sizeof v});
  return v;
}

uint64_t randomU64() noexcept {
  uint64_t v = 0;
  randomBytes({reinterpret_cast<uint8_t*>(&v), sizeof v});
  return v;
}

std::string randomIceString(size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s(n, 'x');
  for (auto& c : s) c = kAlphabet[randomU32() % 64];
  return s;
}

}  // namespace rtcgate
