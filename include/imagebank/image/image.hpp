// Image: a decoded picture in memory — 8 bits per sample, interleaved,
// rows packed without padding (stride == width * channels).
//
// Channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. Colour is sRGB after
// decode (ICC profiles are converted); alpha is straight (not premultiplied).
// An Image owns its pixels; it is movable and copyable (a copy duplicates the
// pixels), and empty when default-constructed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

class Image {
 public:
  Image() = default;

  // Allocates width x height x channels bytes (not initialised).
  // invalid_argument for channels outside 1-4 or a zero size;
  // limit_exceeded when the size exceeds `limits`.
  static Result<Image> create(std::uint32_t width, std::uint32_t height,
                              int channels, const Limits& limits = {});

  Image(const Image& other);
  Image& operator=(const Image& other);
  Image(Image&&) noexcept = default;
  Image& operator=(Image&&) noexcept = default;

  bool empty() const noexcept { return pixels_ == nullptr; }
  std::uint32_t width() const noexcept { return width_; }
  std::uint32_t height() const noexcept { return height_; }
  int channels() const noexcept { return channels_; }
  bool has_alpha() const noexcept { return channels_ == 2 || channels_ == 4; }
  std::size_t stride() const noexcept {
    return static_cast<std::size_t>(width_) * channels_;
  }
  std::size_t size_bytes() const noexcept { return stride() * height_; }

  std::uint8_t* data() noexcept { return pixels_.get(); }
  const std::uint8_t* data() const noexcept { return pixels_.get(); }
  std::uint8_t* row(std::uint32_t y) noexcept { return data() + y * stride(); }
  const std::uint8_t* row(std::uint32_t y) const noexcept {
    return data() + y * stride();
  }
  std::span<const std::uint8_t> bytes() const noexcept {
    return {data(), size_bytes()};
  }

  // Same size and channels, and identical samples.
  friend bool operator==(const Image& a, const Image& b) noexcept;

 private:
  std::uint32_t width_ = 0;
  std::uint32_t height_ = 0;
  int channels_ = 0;
  std::unique_ptr<std::uint8_t[]> pixels_;
};

}  // namespace imagebank
