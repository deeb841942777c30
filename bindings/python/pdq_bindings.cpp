// pdq and pdq_dihedral.
#include <pybind11/stl.h>

#include <array>
#include <optional>
#include <string>

#include "bindings.hpp"
#include "imagebank/hash/pdq.hpp"
#include "imagebank/image/image.hpp"

namespace imagebank::python {
namespace {

// (hash, quality): the 32 bytes and 0-100.
using PdqTuple = py::typing::Tuple<py::bytes, int>;

PdqTuple to_tuple(const PdqHash& h) {
  const std::array<std::uint8_t, 32> b = pdq_to_bytes(h.hash);
  return py::make_tuple(
      py::bytes(reinterpret_cast<const char*>(b.data()), b.size()), h.quality);
}

// Runs `from_image` on an imagebank.Image or `from_source` on a path or
// encoded bytes, with the GIL released, and returns the result or raises.
template <typename T, typename FromImage, typename FromSource>
T run(const ImageSourceArg& src, FromImage from_image, FromSource from_source) {
  std::optional<Result<T>> result;
  if (py::isinstance<Image>(src)) {
    // Checked before the buffer path: an Image is a buffer too.
    const Image& image = src.cast<const Image&>();
    py::gil_scoped_release release;
    result.emplace(from_image(image));
  } else {
    with_source(src, [&](const Source& s) { result.emplace(from_source(s)); });
  }
  return unwrap(std::move(*result));
}

}  // namespace

void init_pdq(py::module_& m) {
  m.def(
      "pdq_from_hex",
      [](const std::string& hex) {
        const auto bytes = pdq_to_bytes(unwrap(pdq_from_hex(hex)));
        return py::bytes(reinterpret_cast<const char*>(bytes.data()),
                         bytes.size());
      },
      py::arg("hex"),
      "The 32 bytes (as pdq() returns them) of a 64-digit hex PDQ hash, as "
      "other PDQ tools print it; InvalidArgumentError otherwise.");
  m.def(
      "pdq_to_hex",
      [](const py::bytes& hash) {
        const std::string b = hash;
        if (b.size() != 32)
          check(invalid_argument_error("a PDQ hash is 32 bytes, not " +
                                       std::to_string(b.size())));
        static constexpr char kHex[] = "0123456789abcdef";
        std::string hex;
        for (unsigned char c : b) {
          hex += kHex[c >> 4];
          hex += kHex[c & 15];
        }
        // Through the C++ parser and printer: the text other PDQ tools use.
        return pdq_to_hex(unwrap(pdq_from_hex(hex)));
      },
      py::arg("hash"),
      "64 lowercase hex digits of a PDQ hash given as its 32 bytes.");
  m.def(
      "pdq",
      [](const ImageSourceArg& src, const std::optional<Limits>& limits) {
        const Limits l = limits ? *limits : Limits{};
        const PdqHash h = run<PdqHash>(
            src, [](const Image& i) { return pdq(i); },
            [&](const Source& s) { return pdq(s, l); });
        return to_tuple(h);
      },
      py::arg("src"), py::kw_only(), py::arg("limits") = py::none(),
      "PDQ perceptual hash (Meta's, compatible with the reference) as "
      "(hash, quality): hash is 32 bytes whose .hex() is the reference's text "
      "form, quality 0-100 (below about 50 the hash is unreliable).\n\n"
      "src is an imagebank.Image (hashed as stored) or an encoded image "
      "(bytes or a path), decoded upright and in sRGB. Alpha is ignored. "
      "InvalidArgumentError for images smaller than 5x5; decode errors as "
      "decode().");
  m.def(
      "pdq_dihedral",
      [](const ImageSourceArg& src, const std::optional<Limits>& limits) {
        const Limits l = limits ? *limits : Limits{};
        const auto all = run<std::array<PdqHash, 8>>(
            src, [](const Image& i) { return pdq_dihedral(i); },
            [&](const Source& s) { return pdq_dihedral(s, l); });
        py::typing::List<PdqTuple> out;
        for (const PdqHash& h : all) out.append(to_tuple(h));
        return out;
      },
      py::arg("src"), py::kw_only(), py::arg("limits") = py::none(),
      "The PDQ (hash, quality) of the image's 8 rotations and flips from one "
      "computation, in the reference's order: original, rotated 90 degrees "
      "counter-clockwise, 180, 270 counter-clockwise, flipped upside down, "
      "mirrored left-right, transposed, transversed. src and errors as "
      "pdq().");
}

}  // namespace imagebank::python
