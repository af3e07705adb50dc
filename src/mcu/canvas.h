#pragma once
// Canvas: drawing on a yuv420p picture for the compositor — solid rectangles, borders, and
// a decoded picture scaled into a rectangle. Every rectangle is clipped to the canvas and
// taken on even pixels, as 4:2:0 chroma wants.

#include <cstdint>

#include "codec/ffmpeg_ptr.h"
#include "mcu/layout.h"

namespace rtcgate::mcu {

struct Yuv {
  uint8_t y = 16, u = 128, v = 128;
};

// A few colours of the BT.601 limited range.
inline constexpr Yuv kBlack{16, 128, 128};
inline constexpr Yuv kPlaceholder{64, 128, 128};  // dark grey: a source without a picture
inline constexpr Yuv kSpeakerBorder{170, 44, 142}; // green-yellow: the active speaker

// Fills `rect` of yuv420p `canvas` with `colour`.
void fillRect(AVFrame& canvas, PixelRect rect, Yuv colour) noexcept;

// Draws a frame `thickness` pixels wide just inside `rect`.
void drawBorder(AVFrame& canvas, PixelRect rect, int thickness, Yuv colour) noexcept;

// The rectangle clipped to the canvas, on even pixels.
PixelRect clipToCanvas(const AVFrame& canvas, PixelRect rect) noexcept;

// Scales `picture` (any pixel format swscale reads) into `rect` of yuv420p `canvas`, with
// `*scaler` reused while the sizes stay the same. False when swscale cannot.
bool scaleInto(AVFrame& canvas, PixelRect rect, const AVFrame& picture, SwsContext** scaler) noexcept;

}  // namespace rtcgate::mcu
