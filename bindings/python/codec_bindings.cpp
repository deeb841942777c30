// Image, decode, encode, resize, crop, fit_to and orientation.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cstring>
#include <optional>
#include <string>

#include "bindings.hpp"
#include "imagebank/image/decode.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/resize.hpp"

namespace imagebank::python {
namespace {

Filter parse_filter(const std::string& name) {
  if (name == "lanczos3") return Filter::kLanczos3;
  if (name == "mitchell") return Filter::kMitchell;
  if (name == "linear") return Filter::kLinear;
  if (name == "box") return Filter::kBox;
  check(invalid_argument_error("unknown filter '" + name +
                               "' (lanczos3, mitchell, linear, box)"));
  return Filter::kLanczos3;
}

Fit parse_fit(const std::string& name) {
  if (name == "fit") return Fit::kFit;
  if (name == "cover") return Fit::kCover;
  if (name == "pad") return Fit::kPad;
  check(invalid_argument_error("unknown fit '" + name + "' (fit, cover, pad)"));
  return Fit::kFit;
}

CropStrategy parse_crop(const std::string& name) {
  if (name == "centre" || name == "center") return CropStrategy::kCentre;
  if (name == "entropy") return CropStrategy::kEntropy;
  if (name == "attention") return CropStrategy::kAttention;
  check(invalid_argument_error("unknown crop '" + name +
                               "' (centre, entropy, attention)"));
  return CropStrategy::kCentre;
}

Image image_from_buffer(const py::buffer& buffer) {
  const py::buffer_info info = buffer.request();
  if (info.itemsize != 1 ||
      (info.format != "B" && info.format != "b" && info.format != "c")) {
    check(invalid_argument_error("image arrays must be uint8"));
  }
  if (info.ndim != 2 && info.ndim != 3) {
    check(
        invalid_argument_error("image arrays are (height, width) or "
                               "(height, width, channels)"));
  }
  const auto h = static_cast<std::uint32_t>(info.shape[0]);
  const auto w = static_cast<std::uint32_t>(info.shape[1]);
  const int c = info.ndim == 3 ? static_cast<int>(info.shape[2]) : 1;
  Limits unlimited;
  unlimited.max_dimension = UINT32_MAX;
  unlimited.max_pixels = UINT64_MAX;
  Image image = unwrap(Image::create(w, h, c, unlimited));
  // Honour any strides (slices, transposes): copy sample by sample.
  const auto* base = static_cast<const std::uint8_t*>(info.ptr);
  const py::ssize_t s0 = info.strides[0];
  const py::ssize_t s1 = info.strides[1];
  const py::ssize_t s2 = info.ndim == 3 ? info.strides[2] : 1;
  for (std::uint32_t y = 0; y < h; ++y) {
    std::uint8_t* out = image.row(y);
    for (std::uint32_t x = 0; x < w; ++x) {
      for (int k = 0; k < c; ++k) {
        out[x * c + k] = base[y * s0 + x * s1 + k * s2];
      }
    }
  }
  return image;
}

int is_buffer(PyObject* obj) { return PyObject_CheckBuffer(obj); }

// Image(array): numpy's stubs give arrays the buffer protocol (__buffer__)
// from Python 3.12 on only, hence NDArray named as well.
using ArrayArg =
    Typed<"numpy.typing.NDArray[numpy.uint8] | typing_extensions.Buffer",
          &is_buffer>;

template <typename F>
auto without_gil(F&& f) {
  py::gil_scoped_release release;
  return f();
}

py::bytes to_bytes(const std::vector<std::byte>& data) {
  return py::bytes(reinterpret_cast<const char*>(data.data()), data.size());
}

}  // namespace

EncodeOptions make_encode_options(const std::string& format, int quality,
                                  bool progressive,
                                  const std::string& subsampling,
                                  bool optimize_coding, int effort,
                                  bool lossless, int speed, int threads,
                                  int compression_level, bool keep_srgb_icc,
                                  const std::string& copyright) {
  EncodeOptions o;
  o.format = parse_format_name(format);
  o.quality = quality;
  o.progressive = progressive;
  if (subsampling == "420") {
    o.subsampling = ChromaSubsampling::k420;
  } else if (subsampling == "444") {
    o.subsampling = ChromaSubsampling::k444;
  } else {
    check(invalid_argument_error("subsampling is '420' or '444'"));
  }
  o.optimize_coding = optimize_coding;
  o.effort = effort;
  o.lossless = lossless;
  o.speed = speed;
  o.threads = threads;
  o.compression_level = compression_level;
  o.keep_srgb_icc = keep_srgb_icc;
  o.copyright = copyright;
  return o;
}

Format parse_format_name(const std::string& name) {
  const auto format = format_from_name(name == "jpg" ? "jpeg" : name);
  if (!format) check(invalid_argument_error("unknown format '" + name + "'"));
  return *format;
}

Geometry make_geometry(std::uint32_t width, std::uint32_t height,
                       const std::string& fit, const std::string& crop,
                       bool upscale, const std::vector<int>& background) {
  Geometry g;
  g.width = width;
  g.height = height;
  g.fit = parse_fit(fit);
  g.crop = parse_crop(crop);
  g.upscale = upscale;
  if (background.size() != 3 && background.size() != 4) {
    check(invalid_argument_error("background is (r, g, b) or (r, g, b, a)"));
  }
  for (std::size_t i = 0; i < background.size(); ++i) {
    if (background[i] < 0 || background[i] > 255) {
      check(invalid_argument_error("background values are 0-255"));
    }
    g.background[i] = static_cast<std::uint8_t>(background[i]);
  }
  return g;
}

Image decode_any(const py::object& src, const DecodeOptions& options) {
  if (py::isinstance<py::bytes>(src) || py::isinstance<py::bytearray>(src) ||
      py::isinstance<py::memoryview>(src)) {
    py::buffer buffer = py::reinterpret_borrow<py::buffer>(src);
    py::buffer_info info = buffer.request();
    const std::span<const std::byte> bytes(
        static_cast<const std::byte*>(info.ptr),
        static_cast<std::size_t>(info.size * info.itemsize));
    return unwrap(without_gil([&] { return decode(bytes, options); }));
  }
  const auto path = src.cast<std::filesystem::path>();
  return unwrap(without_gil([&] { return decode(path, options); }));
}

// The keyword arguments shared by encode() and encoder_fingerprint().
#define ENCODE_KWARGS                                                      \
  py::kw_only(), py::arg("quality") = 80, py::arg("progressive") = true,   \
                 py::arg("subsampling") = "420",                           \
                 py::arg("optimize_coding") = true, py::arg("effort") = 4, \
                 py::arg("lossless") = false, py::arg("speed") = 8,        \
                 py::arg("threads") = 1, py::arg("compression_level") = 6, \
                 py::arg("keep_srgb_icc") = false, py::arg("copyright") = ""

void init_codecs(py::module_& m) {
  py::class_<Image>(m, "Image", py::buffer_protocol(),
                    "A decoded image: 8-bit samples, (height, width, "
                    "channels). numpy.asarray(image) views it without a copy.")
      .def(
          py::init([](const ArrayArg& array) {
            return image_from_buffer(py::reinterpret_borrow<py::buffer>(array));
          }),
          py::arg("array"),
          "Copy a uint8 array of shape (height, width) or (height, width, "
          "channels) with 1-4 channels.")
      .def_property_readonly("width", &Image::width)
      .def_property_readonly("height", &Image::height)
      .def_property_readonly("channels", &Image::channels)
      .def_property_readonly("has_alpha", &Image::has_alpha)
      .def_property_readonly(
          "shape",
          [](const Image& i) {
            return py::make_tuple(i.height(), i.width(), i.channels());
          },
          "(height, width, channels)")
      .def("tobytes",
           [](const Image& i) {
             return py::bytes(reinterpret_cast<const char*>(i.data()),
                              i.size_bytes());
           })
      .def("__eq__", eq_method<Image>(), py::arg("other"))
      .def("__repr__",
           [](const Image& i) {
             return "Image(width=" + std::to_string(i.width()) +
                    ", height=" + std::to_string(i.height()) +
                    ", channels=" + std::to_string(i.channels()) + ")";
           })
      .def_buffer([](Image& i) -> py::buffer_info {
        return py::buffer_info(
            i.data(), 1, py::format_descriptor<std::uint8_t>::format(), 3,
            {static_cast<py::ssize_t>(i.height()),
             static_cast<py::ssize_t>(i.width()),
             static_cast<py::ssize_t>(i.channels())},
            {static_cast<py::ssize_t>(i.stride()),
             static_cast<py::ssize_t>(i.channels()), py::ssize_t{1}});
      });

  m.def(
      "decode",
      [](const SourceArg& src, std::uint32_t target_width,
         std::uint32_t target_height, bool auto_orient, bool to_srgb,
         const std::optional<Limits>& limits) {
        DecodeOptions o;
        o.target_width = target_width;
        o.target_height = target_height;
        o.auto_orient = auto_orient;
        o.to_srgb = to_srgb;
        if (limits) o.limits = *limits;
        return decode_any(src, o);
      },
      py::arg("src"), py::kw_only(), py::arg("target_width") = 0,
      py::arg("target_height") = 0, py::arg("auto_orient") = true,
      py::arg("to_srgb") = true, py::arg("limits") = py::none(),
      "Decode an image (bytes or a path) to sRGB, upright. target_width/"
      "target_height: the largest size you will make from it, which lets "
      "JPEG and WebP shrink on load.");

  m.def(
      "encode",
      [](const Image& image, const std::string& format, int quality,
         bool progressive, const std::string& subsampling, bool optimize_coding,
         int effort, bool lossless, int speed, int threads,
         int compression_level, bool keep_srgb_icc,
         const std::string& copyright) {
        const EncodeOptions o = make_encode_options(
            format, quality, progressive, subsampling, optimize_coding, effort,
            lossless, speed, threads, compression_level, keep_srgb_icc,
            copyright);
        auto bytes = unwrap(without_gil([&] { return encode(image, o); }));
        return to_bytes(bytes);
      },
      py::arg("image"), py::arg("format"), ENCODE_KWARGS,
      "Encode to 'jpeg', 'png', 'webp' or 'avif'. No metadata is written "
      "unless asked.");

  m.def(
      "encoder_fingerprint",
      [](const std::string& format, int quality, bool progressive,
         const std::string& subsampling, bool optimize_coding, int effort,
         bool lossless, int speed, int threads, int compression_level,
         bool keep_srgb_icc, const std::string& copyright) {
        return encoder_fingerprint(make_encode_options(
            format, quality, progressive, subsampling, optimize_coding, effort,
            lossless, speed, threads, compression_level, keep_srgb_icc,
            copyright));
      },
      py::arg("format"), ENCODE_KWARGS,
      "The encoder settings and codec versions as text (part of variant "
      "keys).");

  m.def("shrink_on_load_factor", &shrink_on_load_factor, py::arg("width"),
        py::arg("height"), py::arg("orientation"), py::arg("target_width"),
        py::arg("target_height"),
        "The JPEG/WebP shrink-on-load factor (1, 2, 4 or 8) decode() uses for "
        "a stored size and a display target.");

  m.def(
      "fitted_size",
      [](std::uint32_t width, std::uint32_t height, std::uint32_t box_width,
         std::uint32_t box_height, const std::string& fit, bool upscale) {
        const Geometry g = make_geometry(box_width, box_height, fit, "centre",
                                         upscale, {255, 255, 255});
        const Size s = unwrap(fitted_size(width, height, g));
        return py::typing::Tuple<int, int>(py::make_tuple(s.width, s.height));
      },
      py::arg("width"), py::arg("height"), py::arg("box_width") = 0,
      py::arg("box_height") = 0, py::kw_only(), py::arg("fit") = "fit",
      py::arg("upscale") = false,
      "The (width, height) fit_to() gives for an image of width x height.");

  m.def(
      "resize",
      [](const Image& image, std::uint32_t width, std::uint32_t height,
         const std::string& filter) {
        ResizeOptions o;
        o.filter = parse_filter(filter);
        return unwrap(
            without_gil([&] { return resize(image, width, height, o); }));
      },
      py::arg("image"), py::arg("width"), py::arg("height"), py::kw_only(),
      py::arg("filter") = "lanczos3",
      "Resample to exactly width x height ('lanczos3', 'mitchell', 'linear', "
      "'box').");

  m.def(
      "crop",
      [](const Image& image, std::uint32_t x, std::uint32_t y,
         std::uint32_t width, std::uint32_t height) {
        return unwrap(
            without_gil([&] { return crop(image, x, y, width, height); }));
      },
      py::arg("image"), py::arg("x"), py::arg("y"), py::arg("width"),
      py::arg("height"), "Copy a rectangle of the image.");

  m.def(
      "fit_to",
      [](const Image& image, std::uint32_t width, std::uint32_t height,
         const std::string& fit, const std::string& crop, bool upscale,
         const std::vector<int>& background, const std::string& filter) {
        const Geometry g =
            make_geometry(width, height, fit, crop, upscale, background);
        ResizeOptions o;
        o.filter = parse_filter(filter);
        return unwrap(without_gil([&] { return fit_to(image, g, o); }));
      },
      py::arg("image"), py::arg("width") = 0, py::arg("height") = 0,
      py::kw_only(), py::arg("fit") = "fit", py::arg("crop") = "centre",
      py::arg("upscale") = false,
      py::arg("background") = std::vector<int>{255, 255, 255, 255},
      py::arg("filter") = "lanczos3",
      "Fit into a width x height box: 'fit' (contain), 'cover' (fill and "
      "crop by 'centre', 'entropy' or 'attention'), or 'pad' (contain, then "
      "pad with background).");

  m.def(
      "apply_orientation",
      [](const Image& image, int orientation) {
        return unwrap(
            without_gil([&] { return apply_orientation(image, orientation); }));
      },
      py::arg("image"), py::arg("orientation"),
      "Rotate/flip an image stored with EXIF orientation 1-8 to upright.");
}

}  // namespace imagebank::python
