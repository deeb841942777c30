// The offline analyzer's measurements of one picture, before they are put
// into words (describe.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/image/colour.hpp"

namespace imagebank::vision::offline {

struct MeasureOptions {
  int colors = 3;          // colours reported, at most
  double tolerance = 8.0;  // CIEDE2000 of the background flood fill
  int size = 256;          // long side the picture is analysed at
};

struct ColourShare {
  std::string name;  // pt-BR
  Rgb8 rgb{};        // the members' mean colour
  Lab lab;           // the cluster's centre (the largest, when merged)
  double share = 0;  // of the foreground (or of the region)
};

struct Region {
  std::array<double, 4> box{};  // normalised x, y, width, height
  double share = 0;             // of the picture
  std::vector<ColourShare> colours;
};

// Why the foreground could not be separated.
enum class MaskState { kOk, kAllBackground, kBusyBorder };
std::string_view mask_state_name(MaskState state);

struct Measurements {
  int width = 0;  // the analysed picture
  int height = 0;
  Rgb8 background{};
  double white_share = 0;
  double uniformity = 0;
  bool white_background = false;
  double foreground_share = 0;
  MaskState mask = MaskState::kOk;
  double edge_contrast = 0;  // mean CIEDE2000 across the foreground's edge
  std::vector<ColourShare> colours;  // largest first, names distinct
  std::vector<Region> regions;       // largest first, at most 4
  double sharpness = 0;
  double clipped_highlights = 0;
  double clipped_shadows = 0;
  std::string blurhash;
  double confidence = 0;
};

// Measures a packed RGB picture (width * height * 3 bytes).
Result<Measurements> measure(const std::uint8_t* rgb, int width, int height,
                             const MeasureOptions& options);

}  // namespace imagebank::vision::offline
