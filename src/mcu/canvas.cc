#include "mcu/canvas.h"

#include <algorithm>
#include <cstring>

namespace rtcgate::mcu {

PixelRect clipToCanvas(const AVFrame& canvas, PixelRect r) noexcept {
  const int x0 = std::clamp(r.x & ~1, 0, canvas.width & ~1), y0 = std::clamp(r.y & ~1, 0, canvas.height & ~1);
  const int x1 = std::clamp((r.x + r.w) & ~1, 0, canvas.width & ~1);
  const int y1 = std::clamp((r.y + r.h) & ~1, 0, canvas.height & ~1);
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

void fillRect(AVFrame& canvas, PixelRect rect, Yuv colour) noexcept {
  const PixelRect r = clipToCanvas(canvas, rect);
  if (r.empty()) return;
  for (int row = 0; row < r.h; ++row)
    std::memset(canvas.data[0] + static_cast<ptrdiff_t>(r.y + row) * canvas.linesize[0] + r.x, colour.y,
                static_cast<size_t>(r.w));
  for (int row = 0; row < r.h / 2; ++row) {
    const ptrdiff_t line = r.y / 2 + row;
    std::memset(canvas.data[1] + line * canvas.linesize[1] + r.x / 2, colour.u, static_cast<size_t>(r.w / 2));
    std::memset(canvas.data[2] + line * canvas.linesize[2] + r.x / 2, colour.v, static_cast<size_t>(r.w / 2));
  }
}

void drawBorder(AVFrame& canvas, PixelRect rect, int thickness, Yuv colour) noexcept {
  const PixelRect r = clipToCanvas(canvas, rect);
  const int t = std::min({(thickness + 1) & ~1, r.w / 2 & ~1, r.h / 2 & ~1});
  if (r.empty() || t <= 0) return;
  fillRect(canvas, {r.x, r.y, r.w, t}, colour);
  fillRect(canvas, {r.x, r.y + r.h - t, r.w, t}, colour);
  fillRect(canvas, {r.x, r.y, t, r.h}, colour);
  fillRect(canvas, {r.x + r.w - t, r.y, t, r.h}, colour);
}

bool scaleInto(AVFrame& canvas, PixelRect rect, const AVFrame& picture, SwsContext** scaler) noexcept {
  const PixelRect r = clipToCanvas(canvas, rect);
  if (r.empty() || picture.width <= 0 || picture.height <= 0) return false;
  *scaler = sws_getCachedContext(*scaler, picture.width, picture.height, static_cast<AVPixelFormat>(picture.format),
                                 r.w, r.h, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr);
  if (!*scaler) return false;
  uint8_t* dst[4] = {canvas.data[0] + static_cast<ptrdiff_t>(r.y) * canvas.linesize[0] + r.x,
                     canvas.data[1] + static_cast<ptrdiff_t>(r.y / 2) * canvas.linesize[1] + r.x / 2,
                     canvas.data[2] + static_cast<ptrdiff_t>(r.y / 2) * canvas.linesize[2] + r.x / 2, nullptr};
  const int strides[4] = {canvas.linesize[0], canvas.linesize[1], canvas.linesize[2], 0};
  return sws_scale(*scaler, picture.data, picture.linesize, 0, picture.height, dst, strides) > 0;
}

}  // namespace rtcgate::mcu
