// Presets, make_variants, variant keys and Accept negotiation.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "imagebank/variants/negotiate.hpp"
#include "imagebank/variants/variants.hpp"

namespace imagebank::python {

namespace {

std::string fit_name(Fit f) {
  switch (f) {
    case Fit::kCover:
      return "cover";
    case Fit::kPad:
      return "pad";
    default:
      return "fit";
  }
}

std::string crop_name(CropStrategy c) {
  switch (c) {
    case CropStrategy::kEntropy:
      return "entropy";
    case CropStrategy::kAttention:
      return "attention";
    default:
      return "centre";
  }
}

std::vector<Format> parse_formats(const std::vector<std::string>& names) {
  std::vector<Format> formats;
  for (const auto& n : names) formats.push_back(parse_format_name(n));
  return formats;
}

}  // namespace

void init_variants(py::module_& m) {
  py::class_<Preset>(m, "Preset", "A named output size and fit.")
      .def(py::init([](const std::string& name, std::uint32_t width,
                       std::uint32_t height, const std::string& fit,
                       const std::string& crop, bool upscale,
                       const std::vector<int>& background) {
             Preset p{name, make_geometry(width, height, fit, crop, upscale,
                                          background)};
             check(validate_preset(p));
             return p;
           }),
           py::arg("name"), py::arg("width") = 0, py::arg("height") = 0,
           py::kw_only(), py::arg("fit") = "fit", py::arg("crop") = "centre",
           py::arg("upscale") = false,
           py::arg("background") = std::vector<int>{255, 255, 255, 255})
      .def_readonly("name", &Preset::name)
      .def_property_readonly("width",
                             [](const Preset& p) { return p.geometry.width; })
      .def_property_readonly("height",
                             [](const Preset& p) { return p.geometry.height; })
      .def_property_readonly(
          "fit", [](const Preset& p) { return fit_name(p.geometry.fit); })
      .def_property_readonly(
          "crop", [](const Preset& p) { return crop_name(p.geometry.crop); })
      .def_property_readonly("upscale",
                             [](const Preset& p) { return p.geometry.upscale; })
      .def("__repr__", [](const Preset& p) {
        return "Preset('" + p.name + "', " + std::to_string(p.geometry.width) +
               ", " + std::to_string(p.geometry.height) + ", fit='" +
               fit_name(p.geometry.fit) + "')";
      });

  m.def("default_presets", &default_presets,
        "thumbnail, small, grid, detail, header, zoom.");

  py::class_<Variant>(m, "Variant", "One encoded output of make_variants.")
      .def_readonly("preset", &Variant::preset)
      .def_property_readonly(
          "format", [](const Variant& v) { return format_name(v.format); })
      .def_readonly("width", &Variant::width)
      .def_readonly("height", &Variant::height)
      .def_property_readonly("data",
                             [](const Variant& v) {
                               return py::bytes(
                                   reinterpret_cast<const char*>(v.data.data()),
                                   v.data.size());
                             })
      .def("__repr__", [](const Variant& v) {
        return "Variant(preset='" + v.preset + "', format='" +
               std::string(format_name(v.format)) +
               "', width=" + std::to_string(v.width) +
               ", height=" + std::to_string(v.height) +
               ", bytes=" + std::to_string(v.data.size()) + ")";
      });

  m.def(
      "make_variants",
      [](const SourceArg& src,
         const std::optional<std::vector<Typed<"str | Preset">>>& presets,
         const std::vector<std::string>& formats,
         const std::optional<Limits>& limits) {
        VariantOptions o;
        if (presets) {
          o.presets.clear();
          for (const py::object& p : *presets) {
            if (py::isinstance<py::str>(p)) {
              o.presets.push_back(unwrap(find_preset(p.cast<std::string>())));
            } else {
              o.presets.push_back(p.cast<Preset>());
            }
          }
        }
        o.formats = parse_formats(formats);
        if (limits) o.limits = *limits;
        Result<std::vector<Variant>> result = internal_error("unset");
        if (py::isinstance<py::str>(src) || py::hasattr(src, "__fspath__")) {
          const std::string path =
              py::str(py::module_::import("os").attr("fspath")(src));
          py::gil_scoped_release release;
          Result<std::unique_ptr<Source>> source = Source::file(path);
          result = source.ok() ? make_variants(**source, o)
                               : Result<std::vector<Variant>>(source.status());
        } else {
          py::buffer buffer = py::reinterpret_borrow<py::buffer>(src);
          py::buffer_info info = buffer.request();
          const std::span<const std::byte> bytes(
              static_cast<const std::byte*>(info.ptr),
              static_cast<std::size_t>(info.size * info.itemsize));
          py::gil_scoped_release release;
          result = make_variants(bytes, o);
        }
        return unwrap(std::move(result));
      },
      py::arg("src"), py::kw_only(), py::arg("presets") = py::none(),
      py::arg("formats") = std::vector<std::string>{"avif", "webp", "jpeg"},
      py::arg("limits") = py::none(),
      "Decode once and make every preset (names or Preset objects; default: "
      "all six) in every format. Returns Variants in preset x format order.");

  m.def(
      "find_preset",
      [](const std::string& name) { return unwrap(find_preset(name)); },
      py::arg("name"),
      "The default preset of that name; NotFoundError (listing the names) "
      "otherwise.");
  m.def(
      "validate_preset",
      [](const Preset& preset) { check(validate_preset(preset)); },
      py::arg("preset"),
      "Raises InvalidArgumentError naming the problem if make_variants would "
      "refuse the preset (bad name, no box, sizes over 16384, ...).");
  m.def(
      "file_extension",
      [](const std::string& format) {
        return std::string(file_extension(parse_format_name(format)));
      },
      py::arg("format"),
      "File extension (no dot) of variants in a format: 'jpg', 'png', "
      "'webp', 'avif'.");

  m.def(
      "variant_key",
      [](const std::string& sha256, const std::string& preset,
         const std::string& format) {
        const Format f = parse_format_name(format);
        return unwrap(variant_key(sha256, preset, f,
                                  VariantOptions::default_encode_options(f)));
      },
      py::arg("sha256"), py::arg("preset"), py::arg("format"),
      "Storage key of a variant made with the default settings.");

  py::class_<Negotiation>(m, "Negotiation")
      .def_property_readonly(
          "format", [](const Negotiation& n) { return format_name(n.format); })
      .def_readonly("acceptable", &Negotiation::acceptable)
      .def_readonly("vary_accept", &Negotiation::vary_accept,
                    "Always True: send 'Vary: Accept'.")
      .def("__repr__", [](const Negotiation& n) {
        return "Negotiation(format='" + std::string(format_name(n.format)) +
               "', acceptable=" + (n.acceptable ? "True" : "False") + ")";
      });

  m.def(
      "negotiate",
      [](const std::string& accept, const std::vector<std::string>& available) {
        const std::vector<Format> formats = parse_formats(available);
        return negotiate(accept, formats);
      },
      py::arg("accept"), py::kw_only(),
      py::arg("available") = std::vector<std::string>{"avif", "webp", "jpeg"},
      "The best available format for an Accept header (RFC 9110 q-values; "
      "ties prefer avif > webp > jpeg > png).");
}

}  // namespace imagebank::python
