#pragma once
// Where each source of a video mix goes on the canvas. A layout is a list of regions in
// fractions of the canvas (so it does not change with the output size): a grid of equal
// tiles, the active speaker large over a strip of the others, or regions an operator gave.
// Pixels come last: a region's rectangle on a given canvas, and a picture fitted inside it
// with its aspect ratio kept (letterboxed), both on even coordinates for 4:2:0 planes.

#include <string>
#include <vector>

namespace rtcgate::mcu {

struct Region {
  std::string source;
  double x = 0, y = 0, w = 1, h = 1;  // fractions of the canvas
  int z = 0;                          // higher draws later (on top)
};

struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
  bool empty() const noexcept { return w <= 0 || h <= 0; }
  bool operator==(const PixelRect&) const = default;
};

// Equal tiles, rows filled left to right, as square a grid as `sources` allows; the last row
// is centred when it is not full.
std::vector<Region> gridLayout(const std::vector<std::string>& sources);

// `speaker` (or the first source when it is not one of them) over the top three quarters,
// the others in equal tiles along the bottom quarter.
std::vector<Region> speakerLayout(const std::vector<std::string>& sources, const std::string& speaker);

// Why `regions` cannot be drawn (a region outside the canvas, empty, or without a source),
// or "" when they can.
std::string checkRegions(const std::vector<Region>& regions);

// The region on a canvas of `width` × `height` pixels, clipped to it, on even pixels.
PixelRect toPixels(const Region& region, int width, int height);

// A `srcWidth` × `srcHeight` picture scaled to fit `tile` with its aspect ratio kept and
// centred (bars left and right, or above and below); even pixels. Empty for an empty input.
PixelRect fitInside(const PixelRect& tile, int srcWidth, int srcHeight);

}  // namespace rtcgate::mcu
