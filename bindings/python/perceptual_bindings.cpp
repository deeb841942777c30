// phash, dhash, ahash and perceptual_hashes.
#include <pybind11/stl.h>

#include <array>
#include <optional>
#include <string>

#include "bindings.hpp"
#include "imagebank/hash/perceptual.hpp"
#include "imagebank/image/image.hpp"

namespace imagebank::python {
namespace {

HashCompat parse_compat(const std::optional<std::string>& compat) {
  if (!compat) return HashCompat::kFast;
  if (*compat == "imagehash") return HashCompat::kImagehash;
  check(invalid_argument_error("unknown compat '" + *compat +
                               "' (None for the fast hashes, or 'imagehash')"));
  return HashCompat::kFast;
}

// The three hashes of an imagebank.Image (pixels as they are) or of an
// encoded image (bytes or a path), computed with the GIL released.
PerceptualHashes compute(const ImageSourceArg& src,
                         const std::optional<std::string>& compat,
                         const std::optional<Limits>& limits) {
  PerceptualOptions options;
  options.compat = parse_compat(compat);
  if (limits) options.limits = *limits;
  std::optional<Result<PerceptualHashes>> result;
  if (py::isinstance<Image>(src)) {
    // Checked before the buffer path: an Image is a buffer too.
    const Image& image = src.cast<const Image&>();
    py::gil_scoped_release release;
    result.emplace(perceptual_hashes(image, options.compat));
  } else {
    with_source(src, [&](const Source& s) {
      result.emplace(perceptual_hashes(s, options));
    });
  }
  return unwrap(std::move(*result));
}

constexpr const char* kSrcDoc =
    "src is encoded image bytes, a str/os.PathLike path, or an "
    "imagebank.Image (hashed from its pixels as they are). compat=None gives "
    "the fast hashes (shrink-on-load decode, EXIF orientation applied); "
    "compat='imagehash' gives exactly what imagehash 4.3 returns with Pillow "
    "13 for the same file or PIL.Image.fromarray(image), as an int equal to "
    "int(str(imagehash_result), 16). Errors as decode(): NotFoundError, "
    "UnsupportedFormatError, CorruptDataError, LimitExceededError; "
    "InvalidArgumentError for another compat value.";

}  // namespace

void init_perceptual(py::module_& m) {
  m.def("hash_to_hex", &hash_to_hex, py::arg("hash"),
        "16 lowercase hex digits, most significant first (imagehash's str()).");
  m.def(
      "hash_from_hex",
      [](const std::string& hex) { return unwrap(hash_from_hex(hex)); },
      py::arg("hex"),
      "Parses 16 hex digits (either case); InvalidArgumentError otherwise.");
  // A typing.NamedTuple, defined in Python (python/imagebank/_types.py)
  // so that its fields are typed: unpacks as (phash, dhash, ahash), fields
  // by name.
  const auto named = py::module_::import("imagebank._types")
                         .attr("PerceptualHashes")
                         .cast<py::type>();
  m.attr("PerceptualHashes") = named;

  // Docstrings outlive the module definition.
  static const std::string hashes_doc =
      std::string(
          "(phash, dhash, ahash) of one image from a single decode, "
          "as a PerceptualHashes named tuple of ints.\n\n") +
      kSrcDoc;
  m.def(
      "perceptual_hashes",
      [named](const ImageSourceArg& src,
              const std::optional<std::string>& compat,
              const std::optional<Limits>& limits) {
        const PerceptualHashes h = compute(src, compat, limits);
        return Typed<"PerceptualHashes">(named(h.phash, h.dhash, h.ahash));
      },
      py::arg("src"), py::kw_only(), py::arg("compat") = py::none(),
      py::arg("limits") = py::none(), hashes_doc.c_str());

  static std::array<std::string, 3> docs;
  std::size_t next_doc = 0;
  struct One {
    const char* name;
    std::uint64_t PerceptualHashes::*field;
    const char* what;
  };
  for (const One& one :
       {One{"phash", &PerceptualHashes::phash,
            "64-bit perceptual hash (DCT of a 32x32 grey image)"},
        One{"dhash", &PerceptualHashes::dhash,
            "64-bit difference hash (horizontal gradients of 9x8)"},
        One{"ahash", &PerceptualHashes::ahash,
            "64-bit average hash (8x8 pixels against their mean)"}}) {
    const auto field = one.field;
    std::string& doc = docs[next_doc++];
    doc = std::string(one.what) + ", as an int.\n\n" + kSrcDoc;
    m.def(
        one.name,
        [field](const ImageSourceArg& src,
                const std::optional<std::string>& compat,
                const std::optional<Limits>& limits) {
          return compute(src, compat, limits).*field;
        },
        py::arg("src"), py::kw_only(), py::arg("compat") = py::none(),
        py::arg("limits") = py::none(), doc.c_str());
  }
}

}  // namespace imagebank::python
