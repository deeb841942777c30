// The grey views of imagebank/image/grey.hpp: Pillow's convert("L") and
// imagebank's fast shrink-on-load grey, as 1-channel Images.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <optional>

#include "bindings.hpp"
#include "imagebank/image/grey.hpp"
#include "type_hints.hpp"

namespace imagebank::python {

namespace {

template <typename Fn>
Image grey_from(const py::object& src, Fn&& fn) {
  std::optional<Result<Image>> out;
  with_source(src, [&](const Source& source) { out.emplace(fn(source)); });
  return unwrap(std::move(*out));
}

}  // namespace

void init_grey(py::module_& m) {
  m.def(
      "decode_pillow_grey",
      [](const SourceArg& src, const std::optional<Limits>& limits) {
        const Limits l = limits.value_or(Limits{});
        return grey_from(src, [&](const Source& source) {
          return decode_pillow_grey(source, l);
        });
      },
      py::arg("src"), py::kw_only(), py::arg("limits") = py::none(),
      "What Pillow gives for Image.open(src).convert('L'), pixel for pixel: "
      "as stored (no EXIF orientation), no colour profile applied.");
  m.def(
      "decode_fast_grey",
      [](const SourceArg& src, std::uint32_t min_side,
         const std::optional<Limits>& limits) {
        const Limits l = limits.value_or(Limits{});
        return grey_from(src, [&](const Source& source) {
          return decode_fast_grey(source, l, min_side);
        });
      },
      py::arg("src"), py::kw_only(), py::arg("min_side") = 0,
      py::arg("limits") = py::none(),
      "imagebank's fast grey view: upright, shrunk on load to at least "
      "2 x min_side per side where the image is that large, colour profiles "
      "ignored.");
  m.def(
      "pillow_grey",
      [](const Image& image) {
        py::gil_scoped_release release;
        Result<Image> grey = pillow_grey(image);
        py::gil_scoped_acquire acquire;
        return unwrap(std::move(grey));
      },
      py::arg("image"),
      "Pillow's convert('L') of decoded pixels (L, LA, RGB or RGBA).");
}

}  // namespace imagebank::python
