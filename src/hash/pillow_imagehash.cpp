#include "pillow_imagehash.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

namespace imagebank::pillow {
namespace {

constexpr std::size_t kN = 32;

struct Complex {
  double re = 0;
  double im = 0;
};

// The unit roots exp(2 pi i k / n) as pocketfft tabulates them: each is the
// product of an entry of a fine table (k modulo 2^shift) and one of a coarse
// table (k >> shift), and every table entry comes from one libm cos or sin
// of an angle reduced to the first octant. Only the results matter, so only
// the operations that shape them are kept.
class UnitRoots {
 public:
  explicit UnitRoots(std::size_t n) : n_(n) {
    constexpr long double kPi = 3.141592653589793238462643383279502884197L;
    const double angle = static_cast<double>(0.25L * kPi / n);
    const std::size_t half = (n + 2) / 2;
    while ((std::size_t{1} << shift_) * (std::size_t{1} << shift_) < half) {
      ++shift_;
    }
    mask_ = (std::size_t{1} << shift_) - 1;
    fine_.resize(mask_ + 1);
    fine_[0] = {1.0, 0.0};
    for (std::size_t i = 1; i < fine_.size(); ++i) {
      fine_[i] = octant_root(i, angle);
    }
    coarse_.resize((half + mask_) / (mask_ + 1));
    coarse_[0] = {1.0, 0.0};
    for (std::size_t i = 1; i < coarse_.size(); ++i) {
      coarse_[i] = octant_root(i * (mask_ + 1), angle);
    }
  }

  Complex operator[](std::size_t k) const {
    const bool upper = 2 * k > n_;
    const std::size_t j = upper ? n_ - k : k;
    const Complex a = fine_[j & mask_];
    const Complex b = coarse_[j >> shift_];
    const double re = a.re * b.re - a.im * b.im;
    const double im = a.re * b.im + a.im * b.re;
    return {re, upper ? -im : im};
  }

 private:
  // exp(2 pi i k / n) from cos/sin of at most an eighth of a turn.
  Complex octant_root(std::size_t k, double angle) const {
    const std::size_t n = n_;
    std::size_t x = k << 3;  // in units of angle = pi / (4 n)
    auto c = [angle](std::size_t v) { return std::cos(double(v) * angle); };
    auto s = [angle](std::size_t v) { return std::sin(double(v) * angle); };
    if (x < 4 * n) {
      if (x < 2 * n) {
        if (x < n) return {c(x), s(x)};
        return {s(2 * n - x), c(2 * n - x)};
      }
      x -= 2 * n;
      if (x < n) return {-s(x), c(x)};
      return {-c(2 * n - x), s(2 * n - x)};
    }
    x = 8 * n - x;
    if (x < 2 * n) {
      if (x < n) return {c(x), -s(x)};
      return {s(2 * n - x), -c(2 * n - x)};
    }
    x -= 2 * n;
    if (x < n) return {-s(x), -c(x)};
    return {-c(2 * n - x), -s(2 * n - x)};
  }

  std::size_t n_;
  std::size_t shift_ = 1;
  std::size_t mask_ = 0;
  std::vector<Complex> fine_;
  std::vector<Complex> coarse_;
};

struct Twiddles {
  // Radix-2 pass (l1 = 1, ido = 16): roots 1..7 of order 32.
  std::array<Complex, 8> r2{};
  // Radix-4 pass (l1 = 2, ido = 4): roots 2, 4, 6 of order 32.
  std::array<Complex, 3> r4{};
  // The DCT post-twiddle: cos(pi (i + 1) / 64), i = 0..31, as the real
  // parts of the roots of order 128.
  std::array<double, kN> dct{};
};

const Twiddles& twiddles() {
  static const Twiddles t = [] {
    // Through a volatile so the compiler cannot fold the libm calls into
    // constants of its own rounding: scipy gets them from libm at run time.
    volatile std::size_t n32 = kN;
    volatile std::size_t n128 = 4 * kN;
    Twiddles tw;
    const UnitRoots fft_roots(n32);
    for (std::size_t i = 1; i < 8; ++i) tw.r2[i] = fft_roots[i];
    for (std::size_t j = 0; j < 3; ++j) tw.r4[j] = fft_roots[2 * (j + 1)];
    const UnitRoots dct_roots(n128);
    for (std::size_t i = 0; i < kN; ++i) tw.dct[i] = dct_roots[i + 1].re;
    return tw;
  }();
  return t;
}

constexpr double kSqrt2 = 1.414213562373095048801688724209698L;

// Backward (halfcomplex to real) radix-2 pass, l1 = 1, ido = 16: `in` holds
// two halves of 16, `out` two interleaved outputs.
void backward_radix2(const double* in, double* out, const Twiddles& tw) {
  constexpr std::size_t ido = 16;
  const double* lo = in;        // CC(., 0, 0)
  const double* hi = in + ido;  // CC(., 1, 0)
  double* out0 = out;           // CH(., 0, 0)
  double* out1 = out + ido;     // CH(., 0, 1)
  out0[0] = lo[0] + hi[ido - 1];
  out1[0] = lo[0] - hi[ido - 1];
  out0[ido - 1] = 2 * lo[ido - 1];
  out1[ido - 1] = -2 * hi[0];
  for (std::size_t i = 2; i < ido; i += 2) {
    const std::size_t ic = ido - i;
    out0[i - 1] = lo[i - 1] + hi[ic - 1];
    const double tr2 = lo[i - 1] - hi[ic - 1];
    const double ti2 = lo[i] + hi[ic];
    out0[i] = lo[i] - hi[ic];
    const Complex w = tw.r2[i / 2];
    out1[i] = w.re * ti2 + w.im * tr2;
    out1[i - 1] = w.re * tr2 - w.im * ti2;
  }
}

// Backward radix-4 pass for `l1` butterflies of `ido` samples. `w` holds the
// three twiddles of the one inner column (ido = 4), unused when ido = 1.
void backward_radix4(std::size_t ido, std::size_t l1, const double* in,
                     double* out, const Complex* w) {
  // in: (sample a, quarter b, butterfly k) at a + ido * (b + 4 k);
  // out: (sample a, butterfly k, quarter c) at a + ido * (k + l1 c).
  auto cc = [&](std::size_t a, std::size_t b, std::size_t k) {
    return in[a + ido * (b + 4 * k)];
  };
  auto ch = [&](std::size_t a, std::size_t k, std::size_t c) -> double& {
    return out[a + ido * (k + l1 * c)];
  };
  const std::size_t last = ido - 1;
  for (std::size_t k = 0; k < l1; ++k) {
    const double tr2 = cc(0, 0, k) + cc(last, 3, k);
    const double tr1 = cc(0, 0, k) - cc(last, 3, k);
    const double tr3 = 2 * cc(last, 1, k);
    const double tr4 = 2 * cc(0, 2, k);
    ch(0, k, 0) = tr2 + tr3;
    ch(0, k, 2) = tr2 - tr3;
    ch(0, k, 3) = tr1 + tr4;
    ch(0, k, 1) = tr1 - tr4;
  }
  if (ido % 2 == 0) {
    for (std::size_t k = 0; k < l1; ++k) {
      const double ti1 = cc(0, 3, k) + cc(0, 1, k);
      const double ti2 = cc(0, 3, k) - cc(0, 1, k);
      const double tr2 = cc(last, 0, k) + cc(last, 2, k);
      const double tr1 = cc(last, 0, k) - cc(last, 2, k);
      ch(last, k, 0) = tr2 + tr2;
      ch(last, k, 1) = kSqrt2 * (tr1 - ti1);
      ch(last, k, 2) = ti2 + ti2;
      ch(last, k, 3) = -kSqrt2 * (tr1 + ti1);
    }
  }
  if (ido <= 2) return;
  for (std::size_t k = 0; k < l1; ++k) {
    for (std::size_t i = 2; i < ido; i += 2) {
      const std::size_t ic = ido - i;
      const double tr2 = cc(i - 1, 0, k) + cc(ic - 1, 3, k);
      const double tr1 = cc(i - 1, 0, k) - cc(ic - 1, 3, k);
      const double ti1 = cc(i, 0, k) + cc(ic, 3, k);
      const double ti2 = cc(i, 0, k) - cc(ic, 3, k);
      const double tr4 = cc(i, 2, k) + cc(ic, 1, k);
      const double ti3 = cc(i, 2, k) - cc(ic, 1, k);
      const double tr3 = cc(i - 1, 2, k) + cc(ic - 1, 1, k);
      const double ti4 = cc(i - 1, 2, k) - cc(ic - 1, 1, k);
      ch(i - 1, k, 0) = tr2 + tr3;
      const double cr3 = tr2 - tr3;
      ch(i, k, 0) = ti2 + ti3;
      const double ci3 = ti2 - ti3;
      const double cr4 = tr1 + tr4;
      const double cr2 = tr1 - tr4;
      const double ci2 = ti1 + ti4;
      const double ci4 = ti1 - ti4;
      const double cr[3] = {cr2, cr3, cr4};
      const double ci[3] = {ci2, ci3, ci4};
      for (std::size_t q = 0; q < 3; ++q) {
        ch(i, k, q + 1) = w[q].re * ci[q] + w[q].im * cr[q];
        ch(i - 1, k, q + 1) = w[q].re * cr[q] - w[q].im * ci[q];
      }
    }
  }
}

}  // namespace

void scipy_dct32(double* x) {
  const Twiddles& tw = twiddles();
  // DCT-II as a real FFT of the even/odd-folded input.
  x[0] *= 2;
  x[kN - 1] *= 2;
  for (std::size_t k = 1; k + 1 < kN; k += 2) {
    const double next = x[k + 1];
    x[k + 1] = next - x[k];
    x[k] = next + x[k];
  }
  double tmp[kN];
  backward_radix2(x, tmp, tw);
  backward_radix4(4, 2, tmp, x, tw.r4.data());
  backward_radix4(1, 8, x, tmp, nullptr);
  std::memcpy(x, tmp, sizeof(tmp));
  for (std::size_t k = 1, kc = kN - 1; k < kN / 2; ++k, --kc) {
    const double t1 = tw.dct[k - 1] * x[kc] + tw.dct[kc - 1] * x[k];
    const double t2 = tw.dct[k - 1] * x[k] - tw.dct[kc - 1] * x[kc];
    x[k] = 0.5 * (t1 + t2);
    x[kc] = 0.5 * (t1 - t2);
  }
  x[kN / 2] *= tw.dct[kN / 2 - 1];
}

std::uint64_t phash_bits(const std::uint8_t* pixels) {
  // Axis 0: each column.
  double a[kN][kN];
  for (std::size_t col = 0; col < kN; ++col) {
    double v[kN];
    for (std::size_t row = 0; row < kN; ++row) v[row] = pixels[row * kN + col];
    scipy_dct32(v);
    for (std::size_t row = 0; row < kN; ++row) a[row][col] = v[row];
  }
  // Axis 1: only the 8 rows whose low frequencies are kept.
  double low[64];
  for (std::size_t row = 0; row < 8; ++row) {
    scipy_dct32(a[row]);
    std::copy_n(a[row], 8, low + 8 * row);
  }
  // numpy.median of an even count: the mean of the two middle values.
  double sorted[64];
  std::copy_n(low, 64, sorted);
  std::sort(sorted, sorted + 64);
  const double median = (sorted[31] + sorted[32]) / 2;
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < 64; ++i) {
    bits = (bits << 1) | (low[i] > median ? 1u : 0u);
  }
  return bits;
}

std::uint64_t dhash_bits(const std::uint8_t* pixels) {
  std::uint64_t bits = 0;
  for (std::size_t row = 0; row < 8; ++row) {
    const std::uint8_t* p = pixels + row * 9;
    for (std::size_t col = 0; col < 8; ++col) {
      bits = (bits << 1) | (p[col + 1] > p[col] ? 1u : 0u);
    }
  }
  return bits;
}

std::uint64_t ahash_bits(const std::uint8_t* pixels) {
  // numpy.mean is sum / 64, exact in float64; compare without dividing.
  unsigned sum = 0;
  for (std::size_t i = 0; i < 64; ++i) sum += pixels[i];
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < 64; ++i) {
    bits = (bits << 1) | (64u * pixels[i] > sum ? 1u : 0u);
  }
  return bits;
}

}  // namespace imagebank::pillow
