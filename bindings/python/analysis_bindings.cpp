// Colour science and picture measurements (imagebank/image/colour.hpp,
// blurhash.hpp, background.hpp). CIELAB colours are (L, a, b) tuples and
// sRGB colours (r, g, b) tuples of 0-255.
#include <pybind11/stl.h>

#include <string>
#include <tuple>

#include "bindings.hpp"
#include "imagebank/image/background.hpp"
#include "imagebank/image/blurhash.hpp"
#include "imagebank/image/colour.hpp"

namespace imagebank::python {

namespace {

using LabTuple = std::tuple<double, double, double>;
using RgbTuple = std::tuple<int, int, int>;

Lab to_lab(const LabTuple& t) {
  return {std::get<0>(t), std::get<1>(t), std::get<2>(t)};
}
LabTuple from_lab(const Lab& lab) { return {lab.l, lab.a, lab.b}; }

Rgb8 to_rgb(const RgbTuple& t) {
  const int v[3] = {std::get<0>(t), std::get<1>(t), std::get<2>(t)};
  Rgb8 out{};
  for (int c = 0; c < 3; ++c) {
    if (v[c] < 0 || v[c] > 255) {
      throw_status(invalid_argument_error(
          "an sRGB channel must be 0-255, got " + std::to_string(v[c])));
    }
    out[c] = static_cast<std::uint8_t>(v[c]);
  }
  return out;
}
RgbTuple from_rgb(const Rgb8& rgb) { return {rgb[0], rgb[1], rgb[2]}; }

}  // namespace

void init_analysis(py::module_& m) {
  m.def(
      "srgb_to_lab",
      [](const RgbTuple& rgb) { return from_lab(srgb_to_lab(to_rgb(rgb))); },
      py::arg("rgb"),
      "CIELAB (D50, as lcms2's sRGB profile gives it) of an sRGB colour.");
  m.def(
      "srgb_to_lab_pixels",
      [](const py::bytes& rgb) {
        const std::string_view bytes = rgb;
        std::vector<Lab> labs;
        {
          py::gil_scoped_release release;
          labs = srgb_to_lab(std::span<const std::uint8_t>(
              reinterpret_cast<const std::uint8_t*>(bytes.data()),
              bytes.size()));
        }
        std::vector<LabTuple> out;
        out.reserve(labs.size());
        for (const Lab& lab : labs) out.push_back(from_lab(lab));
        return out;
      },
      py::arg("rgb"),
      "CIELAB of packed RGB pixels (3 bytes each; a trailing partial pixel "
      "is ignored).");
  m.def(
      "lab_to_srgb",
      [](const LabTuple& lab) { return from_rgb(lab_to_srgb(to_lab(lab))); },
      py::arg("lab"), "The sRGB colour nearest a CIELAB one (clipped).");
  m.def(
      "ciede2000",
      [](const LabTuple& x, const LabTuple& y) {
        return ciede2000(to_lab(x), to_lab(y));
      },
      py::arg("x"), py::arg("y"),
      "CIEDE2000 colour difference of two CIELAB colours (lcms2).");
  m.def(
      "rgb_hex", [](const RgbTuple& rgb) { return rgb_hex(to_rgb(rgb)); },
      py::arg("rgb"), "'#rrggbb' of an sRGB colour.");
  m.def(
      "colour_names",
      [] {
        std::vector<std::tuple<std::string, RgbTuple>> out;
        for (const NamedColour& c : colour_names()) {
          out.emplace_back(std::string(c.name), from_rgb(c.rgb));
        }
        return out;
      },
      "The pt-BR colour naming table: (name, reference sRGB swatch).");
  m.def(
      "name_color",
      [](const LabTuple& lab) { return std::string(name_color(to_lab(lab))); },
      py::arg("lab"),
      "The pt-BR name of a CIELAB colour: neutrals by lightness (preto, "
      "cinza, branco), the rest by the nearest swatch in CIEDE2000.");

  m.def(
      "blurhash_encode",
      [](const Image& image, int x_components, int y_components) {
        Result<std::string> hash = std::string();
        {
          py::gil_scoped_release release;
          hash = blurhash_encode(image, x_components, y_components);
        }
        return unwrap(std::move(hash));
      },
      py::arg("image"), py::arg("x_components") = 4,
      py::arg("y_components") = 3,
      "The BlurHash of an image (components 1-9 each; alpha over white). "
      "Pass a small picture: the cost grows with its pixels.");
  m.def(
      "blurhash_decode",
      [](const std::string& hash, std::uint32_t width, std::uint32_t height,
         double punch) {
        Result<Image> image = Image();
        {
          py::gil_scoped_release release;
          image = blurhash_decode(hash, width, height, punch);
        }
        return unwrap(std::move(image));
      },
      py::arg("hash"), py::arg("width"), py::arg("height"),
      py::arg("punch") = 1.0,
      "Paints a BlurHash at width x height (RGB, 1-4096 px a side).");

  py::class_<BackgroundMask>(
      m, "BackgroundMask",
      "find_background's answer: the border's colour and which pixels are "
      "background.")
      .def_readonly("width", &BackgroundMask::width)
      .def_readonly("height", &BackgroundMask::height)
      .def_property_readonly(
          "background",
          [](const BackgroundMask& mask) {
            return py::bytes(
                reinterpret_cast<const char*>(mask.background.data()),
                mask.background.size());
          },
          "width * height bytes, row-major: 1 = background, 0 = foreground.")
      .def_property_readonly(
          "colour",
          [](const BackgroundMask& mask) { return from_rgb(mask.colour); },
          "The border ring's median sRGB colour.")
      .def_readonly("white_share", &BackgroundMask::white_share)
      .def_readonly("uniformity", &BackgroundMask::uniformity)
      .def_readonly("background_share", &BackgroundMask::background_share)
      .def_readonly("white_background", &BackgroundMask::white_background)
      .def("__repr__", [](const BackgroundMask& mask) {
        return "BackgroundMask(" + rgb_hex(mask.colour) +
               ", background_share=" + std::to_string(mask.background_share) +
               ", white_background=" +
               (mask.white_background ? "True" : "False") + ")";
      });
  m.def(
      "find_background",
      [](const Image& image, double tolerance) {
        Result<BackgroundMask> mask = BackgroundMask();
        {
          py::gil_scoped_release release;
          mask = find_background(image, BackgroundOptions{tolerance});
        }
        return unwrap(std::move(mask));
      },
      py::arg("image"), py::kw_only(), py::arg("tolerance") = 8.0,
      "The border's colour and the background connected to the border "
      "within `tolerance` (CIEDE2000).");
  m.def(
      "remove_background",
      [](const Image& image, double tolerance, int feather, bool enclosed,
         double min_uniformity) {
        RemoveBackgroundOptions options;
        options.tolerance = tolerance;
        options.feather = feather;
        options.enclosed = enclosed;
        options.min_uniformity = min_uniformity;
        Result<Image> out = Image();
        {
          py::gil_scoped_release release;
          out = remove_background(image, options);
        }
        return unwrap(std::move(out));
      },
      py::arg("image"), py::kw_only(), py::arg("tolerance") = 8.0,
      py::arg("feather") = 2, py::arg("enclosed") = false,
      py::arg("min_uniformity") = 0.6,
      "An RGBA copy with the border-connected background transparent, soft "
      "edges and the background colour taken out of them (a logo cut out). "
      "InvalidArgumentError when the border is not one colour.");
}

}  // namespace imagebank::python
