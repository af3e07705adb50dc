#include "mcu/layout.h"

#include <algorithm>
#include <cmath>

namespace rtcgate::mcu {

namespace {

int even(double v) { return static_cast<int>(std::lround(v / 2.0)) * 2; }

}  // namespace

std::vector<Region> gridLayout(const std::vector<std::string>& sources) {
  std::vector<Region> out;
  const size_t n = sources.size();
  if (n == 0) return out;
  const size_t cols = static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  const size_t rows = (n + cols - 1) / cols;
  const double w = 1.0 / static_cast<double>(cols), h = 1.0 / static_cast<double>(rows);
  for (size_t i = 0; i < n; ++i) {
    const size_t row = i / cols, col = i % cols;
    const size_t inRow = row + 1 == rows ? n - row * cols : cols;
    const double offset = (static_cast<double>(cols - inRow) * w) / 2.0;  // centre a short last row
    out.push_back(Region{sources[i], offset + static_cast<double>(col) * w, static_cast<double>(row) * h, w, h, 0});
  }
  return out;
}

std::vector<Region> speakerLayout(const std::vector<std::string>& sources, const std::string& speaker) {
  std::vector<Region> out;
  if (sources.empty()) return out;
  const auto it = std::find(sources.begin(), sources.end(), speaker);
  const std::string& main = it != sources.end() ? *it : sources.front();
  std::vector<std::string> others;
  for (const auto& s : sources)
    if (s != main) others.push_back(s);
  if (others.empty()) return {Region{main, 0, 0, 1, 1, 0}};
  out.push_back(Region{main, 0, 0, 1, 0.75, 0});
  const double w = 1.0 / static_cast<double>(others.size());
  for (size_t i = 0; i < others.size(); ++i)
    out.push_back(Region{others[i], static_cast<double>(i) * w, 0.75, w, 0.25, 1});
  return out;
}

std::string checkRegions(const std::vector<Region>& regions) {
  constexpr double kSlack = 1e-9;
  for (const auto& r : regions) {
    if (r.source.empty()) return "a region needs a source";
    if (!(r.w > 0) || !(r.h > 0)) return "region of '" + r.source + "' is empty";
    if (!(r.x >= 0) || !(r.y >= 0) || r.x + r.w > 1 + kSlack || r.y + r.h > 1 + kSlack)
      return "region of '" + r.source + "' is not inside the canvas (x, y, w, h are fractions 0..1)";
  }
  return {};
}

PixelRect toPixels(const Region& region, int width, int height) {
  const int x0 = std::clamp(even(region.x * width), 0, width), y0 = std::clamp(even(region.y * height), 0, height);
  const int x1 = std::clamp(even((region.x + region.w) * width), 0, width);
  const int y1 = std::clamp(even((region.y + region.h) * height), 0, height);
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

PixelRect fitInside(const PixelRect& tile, int srcWidth, int srcHeight) {
  if (tile.empty() || srcWidth <= 0 || srcHeight <= 0) return {};
  const double scale = std::min(static_cast<double>(tile.w) / srcWidth, static_cast<double>(tile.h) / srcHeight);
  const int maxW = tile.w & ~1, maxH = tile.h & ~1;  // even, inside the tile
  if (maxW < 2 || maxH < 2) return {};
  const int w = std::clamp(even(srcWidth * scale), 2, maxW);
  const int h = std::clamp(even(srcHeight * scale), 2, maxH);
  return {(tile.x + (tile.w - w) / 2) & ~1, (tile.y + (tile.h - h) / 2) & ~1, w, h};
}

}  // namespace rtcgate::mcu
