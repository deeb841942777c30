// Colour science for describing pictures: sRGB <-> CIELAB, the CIEDE2000
// colour difference, and the names of colours in Brazilian Portuguese.
//
// CIELAB here is the ICC profile connection space's: D50 white, reached
// from sRGB through lcms2 (relative colorimetric, Bradford adaptation), so
// sRGB white is L* 100, a* = b* = 0 and every conversion of the library
// agrees with every other. Functions are thread-safe and deterministic.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace imagebank {

struct Lab {
  double l = 0;  // lightness, 0 (black) to 100 (white)
  double a = 0;  // green (-) to red (+)
  double b = 0;  // blue (-) to yellow (+)
  friend bool operator==(const Lab&, const Lab&) = default;
};

using Rgb8 = std::array<std::uint8_t, 3>;

// One sRGB colour in CIELAB.
Lab srgb_to_lab(Rgb8 rgb);
// Packed 8-bit RGB pixels (3 bytes each; a trailing partial pixel is
// ignored) in CIELAB, one Lab per pixel. Both forms evaluate lcms2's sRGB
// profile (its tone curve and D50-adapted colorants) through tables, a few
// ns a pixel, within 0.003 of lcms2's own double-precision transform: far
// below a visible difference.
std::vector<Lab> srgb_to_lab(std::span<const std::uint8_t> rgb);
// The sRGB colour nearest `lab` (out-of-gamut colours clipped).
Rgb8 lab_to_srgb(const Lab& lab);

// CIEDE2000 colour difference (k_L = k_C = k_H = 1), lcms2's
// implementation; symmetric. About 1 is a just noticeable difference.
double ciede2000(const Lab& x, const Lab& y);

// "#rrggbb", lowercase.
std::string rgb_hex(Rgb8 rgb);

// A reference colour of the naming table.
struct NamedColour {
  std::string_view name;  // pt-BR, lowercase: "azul-marinho"
  Rgb8 rgb;               // the reference swatch
};

// The naming table: neutrals (preto, cinza, branco) then the chromatic
// colours of a fashion catalogue (bege, marrom, vermelho, vinho, rosa,
// laranja, amarelo, verde, verde-oliva, azul, azul-marinho, roxo, lilás,
// ...), each with its reference swatch (a name may have two swatches).
std::span<const NamedColour> colour_names();

// The pt-BR name of a colour. Near-neutral colours (chroma below
// kNeutralChroma) are named by lightness alone: preto (L* < 25), cinza, or
// branco (L* >= 88). The rest take the name of the nearest reference
// swatch by CIEDE2000. "" for a colour that is not a number.
inline constexpr double kNeutralChroma = 7.0;
std::string_view name_color(const Lab& lab);

}  // namespace imagebank
