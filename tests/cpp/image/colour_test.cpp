// CIELAB, CIEDE2000 and the pt-BR colour names.
#include "imagebank/image/colour.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

namespace imagebank {
namespace {

// Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula:
// implementation notes, supplementary test data, and mathematical
// observations", Table 1: L1 a1 b1 L2 a2 b2 and the difference to four
// decimals. The pairs probe the hue-angle discontinuities, the G and R_T
// terms and mean-hue wrap-around.
struct SharmaPair {
  double l1, a1, b1, l2, a2, b2, expected;
};
constexpr SharmaPair kSharma[34] = {
    {50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425},
    {50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615},
    {50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412},
    {50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000},
    {50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000},
    {50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000},
    {50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669},
    {50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669},
    {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792},
    {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792},
    {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195},
    {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195},
    {50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045},
    {50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045},
    {50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461},
    {50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065},
    {50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492},
    {50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977},
    {50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030},
    {50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535},
    {50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000},
    {50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000},
    {50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000},
    {50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000},
    {60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644},
    {63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630},
    {61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731},
    {35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645},
    {22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373},
    {36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146},
    {90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441},
    {90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381},
    {6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377},
    {2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082},
};

TEST(Ciede2000, MatchesSharmaWuDalalTable) {
  for (int i = 0; i < 34; ++i) {
    const SharmaPair& p = kSharma[i];
    const Lab x{p.l1, p.a1, p.b1}, y{p.l2, p.a2, p.b2};
    // Published to four decimals: within half a unit of the last place.
    EXPECT_NEAR(ciede2000(x, y), p.expected, 5e-5) << "pair " << i + 1;
    EXPECT_NEAR(ciede2000(y, x), p.expected, 5e-5) << "pair " << i + 1;
  }
}

TEST(Ciede2000, IsZeroOnlyForEqualColours) {
  EXPECT_EQ(ciede2000({50, 10, -10}, {50, 10, -10}), 0.0);
  EXPECT_GT(ciede2000({50, 10, -10}, {50, 10, -9}), 0.0);
}

TEST(SrgbToLab, AgreesWithLcms2ReferenceFigures) {
  // lcms2's double-precision sRGB -> Lab (D50) transform for these colours.
  struct Case {
    Rgb8 rgb;
    Lab lab;
  };
  const Case cases[] = {
      {{255, 0, 0}, {54.2896, 80.8144, 69.8897}},
      {{0, 0, 128}, {11.3337, 40.9629, -67.2053}},
      {{128, 128, 128}, {53.5850, 0.0, 0.0}},
      {{200, 150, 100}, {66.1264, 14.9992, 33.9499}},
      {{10, 200, 30}, {70.5618, -65.0031, 63.3365}},
      {{255, 255, 255}, {100.0, 0.0, 0.0}},
      {{0, 0, 0}, {0.0, 0.0, 0.0}},
  };
  for (const Case& c : cases) {
    const Lab lab = srgb_to_lab(c.rgb);
    EXPECT_NEAR(lab.l, c.lab.l, 3e-3) << rgb_hex(c.rgb);
    EXPECT_NEAR(lab.a, c.lab.a, 3e-3) << rgb_hex(c.rgb);
    EXPECT_NEAR(lab.b, c.lab.b, 3e-3) << rgb_hex(c.rgb);
  }
}

TEST(SrgbToLab, ManyPixelsEqualOneByOne) {
  const std::uint8_t rgb[] = {255, 0, 0, 12, 34, 56, 200, 200, 10, 7};
  const auto labs = srgb_to_lab(rgb);
  ASSERT_EQ(labs.size(), 3u);  // the trailing partial pixel is ignored
  EXPECT_EQ(labs[1], srgb_to_lab(Rgb8{12, 34, 56}));
  EXPECT_EQ(labs[2], srgb_to_lab(Rgb8{200, 200, 10}));
}

TEST(LabToSrgb, RoundTripsEveryFewthColour) {
  for (int r = 0; r < 256; r += 15) {
    for (int g = 0; g < 256; g += 15) {
      for (int b = 0; b < 256; b += 15) {
        const Rgb8 in{std::uint8_t(r), std::uint8_t(g), std::uint8_t(b)};
        const Rgb8 out = lab_to_srgb(srgb_to_lab(in));
        for (int c = 0; c < 3; ++c) {
          ASSERT_LE(std::abs(int(in[c]) - int(out[c])), 1) << rgb_hex(in);
        }
      }
    }
  }
  // Outside the gamut or not a number: clipped, never a crash.
  EXPECT_EQ(lab_to_srgb({200, 0, 0}), (Rgb8{255, 255, 255}));
  EXPECT_EQ(lab_to_srgb({NAN, 0, 0}), (Rgb8{0, 0, 0}));
}

TEST(RgbHex, IsLowercaseSixDigits) {
  EXPECT_EQ(rgb_hex({0x1f, 0x2a, 0x44}), "#1f2a44");
  EXPECT_EQ(rgb_hex({255, 0, 9}), "#ff0009");
}

std::string named(std::uint32_t hex) {
  const Rgb8 rgb{std::uint8_t(hex >> 16), std::uint8_t(hex >> 8),
                 std::uint8_t(hex)};
  return std::string(name_color(srgb_to_lab(rgb)));
}

TEST(NameColor, NamesNeutralsByLightness) {
  EXPECT_EQ(named(0x000000), "preto");
  EXPECT_EQ(named(0x1a1a1a), "preto");
  EXPECT_EQ(named(0x202024), "preto");
  EXPECT_EQ(named(0x505050), "cinza");
  EXPECT_EQ(named(0x808080), "cinza");
  EXPECT_EQ(named(0xc0c0c0), "cinza");
  EXPECT_EQ(named(0xf2f2f2), "branco");
  EXPECT_EQ(named(0xffffff), "branco");
}

TEST(NameColor, NamesCatalogueColours) {
  EXPECT_EQ(named(0x000080), "azul-marinho");  // web navy
  EXPECT_EQ(named(0x1f2a44), "azul-marinho");  // a navy blazer
  EXPECT_EQ(named(0x191970), "azul-marinho");
  EXPECT_EQ(named(0x800020), "vinho");  // burgundy
  EXPECT_EQ(named(0x722f37), "vinho");
  EXPECT_EQ(named(0xd2b48c), "bege");  // tan
  EXPECT_EQ(named(0xc8ad7f), "bege");
  EXPECT_EQ(named(0x808000), "verde-oliva");  // olive
  EXPECT_EQ(named(0x556b2f), "verde-oliva");
  EXPECT_EQ(named(0xcc0000), "vermelho");
  EXPECT_EQ(named(0xc8102e), "vermelho");
  EXPECT_EQ(named(0xffc0cb), "rosa");
  EXPECT_EQ(named(0xff8c00), "laranja");
  EXPECT_EQ(named(0xffd700), "amarelo");
  EXPECT_EQ(named(0x228b22), "verde");
  EXPECT_EQ(named(0x4169e1), "azul");
  EXPECT_EQ(named(0x0000ff), "azul");  // not roxo: CIELAB bends this blue
  EXPECT_EQ(named(0x87ceeb), "azul-claro");
  EXPECT_EQ(named(0x800080), "roxo");
  EXPECT_EQ(named(0xb57edc), "lilás");
  EXPECT_EQ(named(0x8b4513), "marrom");
  EXPECT_EQ(named(0x40e0d0), "turquesa");
}

TEST(NameColor, EveryNameIsInTheTableAndEverySwatchNamesItself) {
  std::set<std::string_view> names;
  for (const NamedColour& c : colour_names()) names.insert(c.name);
  for (const char* expected :
       {"preto", "branco", "cinza", "bege", "marrom", "vermelho", "vinho",
        "rosa", "laranja", "amarelo", "verde", "verde-oliva", "azul",
        "azul-marinho", "roxo", "lilás"}) {
    EXPECT_TRUE(names.count(expected)) << expected;
  }
  for (const NamedColour& c : colour_names()) {
    EXPECT_EQ(name_color(srgb_to_lab(c.rgb)), c.name) << rgb_hex(c.rgb);
  }
  EXPECT_EQ(name_color({NAN, 0, 0}), "");
}

}  // namespace
}  // namespace imagebank
