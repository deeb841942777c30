// Resizing and cropping of decoded images.
//
// Resampling is separable (horizontal pass, then vertical) with the kernel
// chosen by Filter; images with alpha are resampled premultiplied so that
// transparent pixels do not bleed their colour into edges. Large outputs are
// split into stripes across a ThreadPool. Results are deterministic: the same
// input and options give the same bytes whatever the thread count.
#pragma once

#include <array>
#include <cstdint>

#include "imagebank/core/result.hpp"
#include "imagebank/core/thread_pool.hpp"
#include "imagebank/image/image.hpp"

namespace imagebank {

enum class Filter : int {
  kLanczos3 = 0,  // sharpest; the default for catalog photos
  kMitchell,      // Mitchell-Netravali (B = C = 1/3): softer, no ringing
  kLinear,        // triangle: fast
  kBox,           // area average: fastest, for large reductions
};

struct ResizeOptions {
  Filter filter = Filter::kLanczos3;
  // Pool for large outputs; nullptr means ThreadPool::shared().
  ThreadPool* pool = nullptr;
};

// Resamples to exactly width x height (aspect ratio not preserved).
// invalid_argument for an empty image or a zero size; limit_exceeded when
// the output is larger than both the default Limits and the input.
Result<Image> resize(const Image& image, std::uint32_t width,
                     std::uint32_t height, const ResizeOptions& options = {});

// Copies the rectangle (x, y, width, height); invalid_argument when it does
// not lie inside the image or is empty.
Result<Image> crop(const Image& image, std::uint32_t x, std::uint32_t y,
                   std::uint32_t width, std::uint32_t height);

// How an image is fitted to a width x height box.
enum class Fit : int {
  kFit = 0,  // contain: the whole image inside the box, aspect kept
  kCover,    // fill the box, aspect kept, the overflow cropped
  kPad,      // contain, then pad to exactly the box with `background`
};

// For kCover: which part survives the crop (libvips semantics).
enum class CropStrategy : int {
  kCentre = 0,
  kEntropy,    // the window with the most detail (Shannon entropy)
  kAttention,  // the window with the most skin tone, saturation and edges
};

struct Geometry {
  std::uint32_t width = 0;   // box; 0 = derive from height and aspect
  std::uint32_t height = 0;  // box; 0 = derive from width and aspect
  Fit fit = Fit::kFit;
  CropStrategy crop = CropStrategy::kCentre;
  // Enlarge images smaller than the box. Without it kFit keeps a small
  // image's size, kCover crops it to the box's aspect ratio at its own
  // scale, and kPad centres it unenlarged on the full box.
  bool upscale = false;
  // kPad background, RGBA (white: the usual product-shot look).
  std::array<std::uint8_t, 4> background = {255, 255, 255, 255};
};

// The size of the image that fit_to() will return, without resampling.
// Sizes round to the nearest pixel (at least 1), as libvips does.
// invalid_argument for a zero image size or a 0x0 box.
struct Size {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  friend bool operator==(const Size&, const Size&) = default;
};
Result<Size> fitted_size(std::uint32_t width, std::uint32_t height,
                         const Geometry& geometry);

// Resizes (and for kCover crops, for kPad pads) `image` to `geometry`.
// kCover resamples only the window it keeps. kPad fills with `background`:
// its RGB for colour images, their Rec. 601 luma for grey ones, and its
// alpha only when the image has alpha (the channel count never changes).
Result<Image> fit_to(const Image& image, const Geometry& geometry,
                     const ResizeOptions& options = {});

}  // namespace imagebank
