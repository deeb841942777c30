// BlurHash encoding and decoding, written from the published algorithm
// (DCT-like cosine factors of linear-light colour, DC as 24-bit sRGB, AC
// quantised to 19 levels on a square-root scale, base-83 digits).
#include "imagebank/image/blurhash.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <vector>

namespace imagebank {
namespace {

constexpr std::string_view kDigits =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;"
    "=?@[]^_{|}~";

void append_base83(std::string& out, int value, int length) {
  for (int i = 1; i <= length; ++i) {
    int divisor = 1;
    for (int k = 0; k < length - i; ++k) divisor *= 83;
    out.push_back(kDigits[(value / divisor) % 83]);
  }
}

// -1 for a character outside the alphabet.
int decode_base83(std::string_view text) {
  int value = 0;
  for (const char c : text) {
    const auto at = kDigits.find(c);
    if (at == std::string_view::npos) return -1;
    value = value * 83 + static_cast<int>(at);
  }
  return value;
}

const std::array<double, 256>& linear_table() {
  static const std::array<double, 256> table = [] {
    std::array<double, 256> t{};
    for (int v = 0; v < 256; ++v) {
      const double x = v / 255.0;
      t[v] = x <= 0.04045 ? x / 12.92 : std::pow((x + 0.055) / 1.055, 2.4);
    }
    return t;
  }();
  return table;
}

int linear_to_srgb(double value) {
  const double v = std::clamp(value, 0.0, 1.0);
  const double s =
      v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
  return static_cast<int>(s * 255 + 0.5);
}

double sign_pow(double value, double exponent) {
  return std::copysign(std::pow(std::abs(value), exponent), value);
}

}  // namespace

Result<std::string> blurhash_encode(const Image& image, int x_components,
                                    int y_components) {
  if (image.empty()) {
    return invalid_argument_error("blurhash_encode: the image is empty");
  }
  if (x_components < 1 || x_components > 9 || y_components < 1 ||
      y_components > 9) {
    return invalid_argument_error(
        "blurhash_encode: components must be 1-9 each, got " +
        std::to_string(x_components) + " x " + std::to_string(y_components));
  }
  const auto& lin = linear_table();
  const std::uint32_t w = image.width(), h = image.height();
  const int ch = image.channels();
  const int nx = x_components, ny = y_components;
  // cos(pi * i * x / w) for every component i and column x, and likewise
  // for rows: the basis is separable, so a row is summed once per i.
  std::vector<double> cos_x(std::size_t(nx) * w), cos_y(std::size_t(ny) * h);
  for (int i = 0; i < nx; ++i) {
    for (std::uint32_t x = 0; x < w; ++x) {
      cos_x[i * w + x] = std::cos(std::numbers::pi * i * x / w);
    }
  }
  for (int j = 0; j < ny; ++j) {
    for (std::uint32_t y = 0; y < h; ++y) {
      cos_y[j * h + y] = std::cos(std::numbers::pi * j * y / h);
    }
  }
  std::vector<double> factors(std::size_t(nx) * ny * 3, 0.0);
  std::vector<double> row_sums(std::size_t(nx) * 3);
  std::vector<double> pixel(std::size_t(w) * 3);
  for (std::uint32_t y = 0; y < h; ++y) {
    const std::uint8_t* p = image.row(y);
    for (std::uint32_t x = 0; x < w; ++x, p += ch) {
      double rgb[3];
      if (ch >= 3) {
        for (int c = 0; c < 3; ++c) rgb[c] = lin[p[c]];
      } else {
        rgb[0] = rgb[1] = rgb[2] = lin[p[0]];
      }
      if (ch == 2 || ch == 4) {
        const double alpha = p[ch - 1] / 255.0;
        for (double& v : rgb) v = v * alpha + (1.0 - alpha);
      }
      for (int c = 0; c < 3; ++c) pixel[3 * x + c] = rgb[c];
    }
    std::fill(row_sums.begin(), row_sums.end(), 0.0);
    for (int i = 0; i < nx; ++i) {
      const double* cx = &cos_x[i * w];
      double r = 0, g = 0, b = 0;
      for (std::uint32_t x = 0; x < w; ++x) {
        r += cx[x] * pixel[3 * x];
        g += cx[x] * pixel[3 * x + 1];
        b += cx[x] * pixel[3 * x + 2];
      }
      row_sums[3 * i] = r;
      row_sums[3 * i + 1] = g;
      row_sums[3 * i + 2] = b;
    }
    for (int j = 0; j < ny; ++j) {
      const double cy = cos_y[j * h + y];
      for (int i = 0; i < nx; ++i) {
        for (int c = 0; c < 3; ++c) {
          factors[(j * nx + i) * 3 + c] += cy * row_sums[3 * i + c];
        }
      }
    }
  }
  const double area = double(w) * h;
  for (int k = 0; k < nx * ny; ++k) {
    const double scale = (k == 0 ? 1.0 : 2.0) / area;
    for (int c = 0; c < 3; ++c) factors[3 * k + c] *= scale;
  }

  std::string hash;
  append_base83(hash, (nx - 1) + (ny - 1) * 9, 1);
  double maximum = 1.0;
  if (nx * ny > 1) {
    double actual = 0;
    for (std::size_t k = 3; k < factors.size(); ++k) {
      actual = std::max(actual, std::abs(factors[k]));
    }
    const int quantised = static_cast<int>(
        std::max(0.0, std::min(82.0, std::floor(actual * 166 - 0.5))));
    maximum = (quantised + 1) / 166.0;
    append_base83(hash, quantised, 1);
  } else {
    append_base83(hash, 0, 1);
  }
  append_base83(hash,
                (linear_to_srgb(factors[0]) << 16) +
                    (linear_to_srgb(factors[1]) << 8) +
                    linear_to_srgb(factors[2]),
                4);
  for (int k = 1; k < nx * ny; ++k) {
    int q[3];
    for (int c = 0; c < 3; ++c) {
      q[c] = static_cast<int>(std::max(
          0.0,
          std::min(18.0,
                   std::floor(sign_pow(factors[3 * k + c] / maximum, 0.5) * 9 +
                              9.5))));
    }
    append_base83(hash, q[0] * 19 * 19 + q[1] * 19 + q[2], 2);
  }
  return hash;
}

Result<Image> blurhash_decode(std::string_view hash, std::uint32_t width,
                              std::uint32_t height, double punch) {
  constexpr std::uint32_t kMaxSide = 4096;
  if (width == 0 || height == 0 || width > kMaxSide || height > kMaxSide) {
    return invalid_argument_error(
        "blurhash_decode: the size must be 1-4096 px a side, got " +
        std::to_string(width) + " x " + std::to_string(height));
  }
  if (!(punch > 0) || !std::isfinite(punch)) {
    return invalid_argument_error("blurhash_decode: punch must be > 0");
  }
  std::string quoted(1, '\'');
  quoted.append(hash.substr(0, 64)).push_back('\'');
  if (hash.size() < 6) {
    return invalid_argument_error("blurhash_decode: " + quoted +
                                  " is shorter than 6 characters");
  }
  const int size_flag = decode_base83(hash.substr(0, 1));
  if (size_flag < 0) {
    return invalid_argument_error("blurhash_decode: " + quoted +
                                  " has a character outside base 83");
  }
  const int nx = size_flag % 9 + 1, ny = size_flag / 9 + 1;
  const std::size_t expected = 4 + 2 * std::size_t(nx) * ny;
  if (hash.size() != expected) {
    return invalid_argument_error(
        "blurhash_decode: " + quoted + " has " + std::to_string(hash.size()) +
        " characters where its size flag (" + std::to_string(nx) + " x " +
        std::to_string(ny) + ") says " + std::to_string(expected));
  }
  for (const char c : hash) {
    if (kDigits.find(c) == std::string_view::npos) {
      return invalid_argument_error("blurhash_decode: " + quoted +
                                    " has a character outside base 83");
    }
  }
  const double maximum = (decode_base83(hash.substr(1, 1)) + 1) / 166.0 * punch;
  const auto& lin = linear_table();
  std::vector<double> colours(std::size_t(nx) * ny * 3);
  const int dc = decode_base83(hash.substr(2, 4));
  colours[0] = lin[(dc >> 16) & 255];
  colours[1] = lin[(dc >> 8) & 255];
  colours[2] = lin[dc & 255];
  for (int k = 1; k < nx * ny; ++k) {
    const int value = decode_base83(hash.substr(4 + 2 * k, 2));
    const int q[3] = {value / (19 * 19), (value / 19) % 19, value % 19};
    for (int c = 0; c < 3; ++c) {
      colours[3 * k + c] = sign_pow((q[c] - 9) / 9.0, 2.0) * maximum;
    }
  }
  auto made = Image::create(width, height, 3);
  if (!made.ok()) return made.status();
  Image out = std::move(made).value();
  std::vector<double> cos_x(std::size_t(nx) * width);
  for (int i = 0; i < nx; ++i) {
    for (std::uint32_t x = 0; x < width; ++x) {
      cos_x[i * width + x] = std::cos(std::numbers::pi * x * i / width);
    }
  }
  for (std::uint32_t y = 0; y < height; ++y) {
    std::uint8_t* p = out.row(y);
    double cy[9];
    for (int j = 0; j < ny; ++j) {
      cy[j] = std::cos(std::numbers::pi * y * j / height);
    }
    for (std::uint32_t x = 0; x < width; ++x) {
      double rgb[3] = {0, 0, 0};
      for (int j = 0; j < ny; ++j) {
        for (int i = 0; i < nx; ++i) {
          const double basis = cos_x[i * width + x] * cy[j];
          const double* colour = &colours[3 * (j * nx + i)];
          for (int c = 0; c < 3; ++c) rgb[c] += colour[c] * basis;
        }
      }
      for (int c = 0; c < 3; ++c) {
        p[3 * x + c] = static_cast<std::uint8_t>(linear_to_srgb(rgb[c]));
      }
    }
  }
  return out;
}

}  // namespace imagebank
