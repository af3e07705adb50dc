// The layout engine: grids, the speaker layout, operator regions, and pictures fitted into
// their tiles with the aspect ratio kept.
#include "mcu/layout.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rtcgate::mcu {
namespace {

TEST(LayoutTest, GridIsAsSquareAsTheSourcesAllow) {
  EXPECT_TRUE(gridLayout({}).empty());
  const auto one = gridLayout({"a"});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(toPixels(one[0], 1280, 720), (PixelRect{0, 0, 1280, 720}));
  const auto four = gridLayout({"a", "b", "c", "d"});
  EXPECT_EQ(toPixels(four[3], 1280, 720), (PixelRect{640, 360, 640, 360}));
  // Three: two on top, the third centred below.
  const auto three = gridLayout({"a", "b", "c"});
  EXPECT_EQ(toPixels(three[0], 1280, 720), (PixelRect{0, 0, 640, 360}));
  EXPECT_EQ(toPixels(three[2], 1280, 720), (PixelRect{320, 360, 640, 360}));
  const auto ten = gridLayout(std::vector<std::string>(10, "s"));
  EXPECT_DOUBLE_EQ(ten[0].w, 0.25);  // 4 columns, 3 rows
  EXPECT_DOUBLE_EQ(ten[0].h, 1.0 / 3);
  EXPECT_EQ(checkRegions(ten), "");
}

TEST(LayoutTest, SpeakerLargeOverAStrip) {
  const auto l = speakerLayout({"a", "b", "c"}, "b");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].source, "b");
  EXPECT_EQ(toPixels(l[0], 1280, 720), (PixelRect{0, 0, 1280, 540}));
  EXPECT_EQ(toPixels(l[1], 1280, 720), (PixelRect{0, 540, 640, 180}));
  EXPECT_EQ(l[2].source, "c");
  EXPECT_EQ(speakerLayout({"a", "b"}, "nobody")[0].source, "a");  // no speaker yet: the first
  EXPECT_EQ(speakerLayout({"a"}, "a").size(), 1u);
}

TEST(LayoutTest, RegionsOutsideTheCanvasAreRefused) {
  EXPECT_EQ(checkRegions({{"a", 0, 0, 0.5, 0.5, 0}, {"b", 0.5, 0.5, 0.5, 0.5, 1}}), "");
  EXPECT_NE(checkRegions({{"a", 0.6, 0, 0.5, 0.5, 0}}), "");
  EXPECT_NE(checkRegions({{"a", -0.1, 0, 0.5, 0.5, 0}}), "");
  EXPECT_NE(checkRegions({{"a", 0, 0, 0, 0.5, 0}}), "");
  EXPECT_NE(checkRegions({{"", 0, 0, 0.5, 0.5, 0}}), "");
  EXPECT_NE(checkRegions({{"a", 0, 0, std::nan(""), 0.5, 0}}), "");
}

TEST(LayoutTest, PicturesKeepTheirAspectRatio) {
  const PixelRect tile{0, 0, 640, 360};
  EXPECT_EQ(fitInside(tile, 1280, 720), tile);                      // same shape: fills it
  EXPECT_EQ(fitInside(tile, 480, 480), (PixelRect{140, 0, 360, 360}));  // square: bars left and right
  EXPECT_EQ(fitInside(tile, 640, 120), (PixelRect{0, 120, 640, 120}));  // wide: bars above and below
  const PixelRect odd = fitInside({10, 10, 333, 201}, 1920, 1080);
  EXPECT_EQ(odd.w % 2, 0);
  EXPECT_EQ(odd.h % 2, 0);
  EXPECT_EQ(odd.x % 2, 0);
  EXPECT_LE(odd.w, 333);
  EXPECT_TRUE(fitInside(tile, 0, 720).empty());
  EXPECT_TRUE(fitInside({}, 640, 480).empty());
}

}  // namespace
}  // namespace rtcgate::mcu
