// The pt-BR colour names of a fashion catalogue and the nearest-name rule.
//
// The swatches are this project's choice of a typical shade for each name
// as Brazilian retail uses it (azul-marinho is the dark greyish blue of a
// navy blazer, not the web's saturated #000080; vinho a deep red-brown).
// A name may have two swatches where one shade would leave a gap (CIELAB
// bends saturated blue towards purple, so azul has a royal-blue one too).
#include <array>
#include <cmath>
#include <limits>

#include "imagebank/image/colour.hpp"

namespace imagebank {
namespace {

constexpr std::array<NamedColour, 27> kNames = {{
    {"preto", {0x16, 0x16, 0x16}},
    {"cinza", {0x80, 0x80, 0x80}},
    {"branco", {0xf6, 0xf6, 0xf4}},
    {"off-white", {0xee, 0xe8, 0xd8}},
    {"bege", {0xd6, 0xc1, 0x9d}},
    {"caqui", {0xa8, 0x98, 0x6a}},
    {"caramelo", {0xb0, 0x6c, 0x2e}},
    {"marrom", {0x5e, 0x3b, 0x24}},
    {"vermelho", {0xc6, 0x1a, 0x22}},
    {"vinho", {0x72, 0x1c, 0x2c}},
    {"rosa", {0xee, 0x9c, 0xb4}},
    {"pink", {0xdc, 0x2a, 0x86}},
    {"coral", {0xf0, 0x72, 0x5e}},
    {"laranja", {0xee, 0x76, 0x18}},
    {"amarelo", {0xf4, 0xd0, 0x30}},
    {"mostarda", {0xc4, 0x98, 0x22}},
    {"verde", {0x2a, 0x8a, 0x4a}},
    {"verde-claro", {0x9c, 0xd4, 0x8c}},
    {"verde-oliva", {0x6a, 0x6a, 0x2c}},
    {"verde-militar", {0x4a, 0x52, 0x34}},
    {"turquesa", {0x2a, 0xb0, 0xaa}},
    {"azul-claro", {0x94, 0xc0, 0xe4}},
    {"azul", {0x2c, 0x62, 0xb8}},
    {"azul", {0x20, 0x3c, 0xe0}},  // a saturated (royal) blue
    {"azul-marinho", {0x1e, 0x26, 0x48}},
    {"roxo", {0x62, 0x2e, 0x8c}},
    {"lilás", {0xb4, 0x9c, 0xd4}},
}};

// Lightness bounds of the neutrals named by lightness alone.
constexpr double kBlackBelow = 25.0;
constexpr double kWhiteFrom = 88.0;

struct Reference {
  std::array<Lab, kNames.size()> lab;
  Reference() {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      lab[i] = srgb_to_lab(kNames[i].rgb);
    }
  }
};

}  // namespace

std::span<const NamedColour> colour_names() { return kNames; }

std::string_view name_color(const Lab& lab) {
  if (!std::isfinite(lab.l) || !std::isfinite(lab.a) || !std::isfinite(lab.b)) {
    return {};
  }
  if (std::hypot(lab.a, lab.b) < kNeutralChroma) {
    if (lab.l < kBlackBelow) return "preto";
    if (lab.l >= kWhiteFrom) return "branco";
    return "cinza";
  }
  static const Reference reference;
  std::size_t best = 0;
  double best_distance = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    const double d = ciede2000(lab, reference.lab[i]);
    if (d < best_distance) {
      best_distance = d;
      best = i;
    }
  }
  return kNames[best].name;
}

}  // namespace imagebank
