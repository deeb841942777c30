#include "imagebank/image/image.hpp"

#include <cstring>
#include <new>
#include <string>

namespace imagebank {

Result<Image> Image::create(std::uint32_t width, std::uint32_t height,
                            int channels, const Limits& limits) {
  if (channels < 1 || channels > 4) {
    return invalid_argument_error("image channels must be 1-4, got " +
                                  std::to_string(channels));
  }
  if (width == 0 || height == 0) {
    return invalid_argument_error("image size must not be 0");
  }
  if (width > limits.max_dimension || height > limits.max_dimension ||
      std::uint64_t{width} * height > limits.max_pixels) {
    return limit_exceeded_error("image of " + std::to_string(width) + "x" +
                                std::to_string(height) + " exceeds the limits");
  }
  Image image;
  image.width_ = width;
  image.height_ = height;
  image.channels_ = channels;
  image.pixels_.reset(new (std::nothrow)
                          std::uint8_t[image.size_bytes()]);  // uninitialised
  if (!image.pixels_) {
    return limit_exceeded_error("out of memory for a " + std::to_string(width) +
                                "x" + std::to_string(height) + " image");
  }
  return image;
}

Image::Image(const Image& other)
    : width_(other.width_), height_(other.height_), channels_(other.channels_) {
  if (other.pixels_) {
    pixels_.reset(new std::uint8_t[other.size_bytes()]);
    std::memcpy(pixels_.get(), other.pixels_.get(), other.size_bytes());
  }
}

Image& Image::operator=(const Image& other) {
  if (this != &other) *this = Image(other);
  return *this;
}

bool operator==(const Image& a, const Image& b) noexcept {
  if (a.width_ != b.width_ || a.height_ != b.height_ ||
      a.channels_ != b.channels_) {
    return false;
  }
  if (a.empty()) return b.empty();
  return std::memcmp(a.data(), b.data(), a.size_bytes()) == 0;
}

}  // namespace imagebank
