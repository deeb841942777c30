// probe, ImageInfo and the format helpers.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <span>
#include <string>

#include "bindings.hpp"
#include "imagebank/image/format.hpp"
#include "imagebank/image/probe.hpp"

namespace imagebank::python {
namespace {

Format parse_format(const std::string& name) {
  const auto format = format_from_name(name);
  if (!format) {
    check(invalid_argument_error("unknown format '" + name + "'"));
  }
  return *format;
}

py::typing::Dict<py::str, py::object> info_to_dict(const ImageInfo& i) {
  py::typing::Dict<py::str, py::object> d;
  d["format"] = std::string(format_name(i.format));
  d["width"] = i.width;
  d["height"] = i.height;
  d["channels"] = i.channels;
  d["bit_depth"] = i.bit_depth;
  d["has_alpha"] = i.has_alpha;
  d["orientation"] = i.orientation;
  d["progressive"] = i.progressive;
  d["icc"] = i.icc;
  d["frames"] = i.frames;
  d["bytes"] = i.bytes;
  d["tolerated"] = tolerance_names(i.tolerated);
  return d;
}

// Probes bytes the caller keeps alive (the Python object is referenced by
// the argument for the duration of the call) with the GIL released.
ImageInfo probe_span(std::span<const std::byte> bytes, const Limits& limits) {
  Result<ImageInfo> result = [&] {
    py::gil_scoped_release release;
    return probe(bytes, limits);
  }();
  return unwrap(std::move(result));
}

// A read-only, C-contiguous view of any buffer-protocol object.
class ContiguousBytes {
 public:
  explicit ContiguousBytes(const py::handle& obj) {
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_SIMPLE) != 0) {
      PyErr_Clear();
      check(invalid_argument_error(
          "expected bytes, a contiguous buffer or a path, got " +
          std::string(py::str(py::type::handle_of(obj).attr("__name__")))));
    }
  }
  ~ContiguousBytes() { PyBuffer_Release(&view_); }
  ContiguousBytes(const ContiguousBytes&) = delete;
  ContiguousBytes& operator=(const ContiguousBytes&) = delete;

  std::span<const std::byte> span() const {
    return {static_cast<const std::byte*>(view_.buf),
            static_cast<std::size_t>(view_.len)};
  }

 private:
  Py_buffer view_{};
};

Limits limits_or_default(const std::optional<Limits>& limits) {
  return limits ? *limits : Limits{};
}

}  // namespace

void init_image(py::module_& m) {
  py::class_<ImageInfo>(m, "ImageInfo",
                        "What a header read tells about an image, without "
                        "decoding it.")
      .def_property_readonly(
          "format", [](const ImageInfo& i) { return format_name(i.format); },
          "'jpeg', 'png', 'webp' or 'avif'.")
      .def_readonly("width", &ImageInfo::width,
                    "Stored width, before orientation.")
      .def_readonly("height", &ImageInfo::height,
                    "Stored height, before orientation.")
      .def_readonly("channels", &ImageInfo::channels,
                    "1 gray, 2 gray+alpha, 3 colour, 4 colour+alpha or CMYK.")
      .def_readonly("bit_depth", &ImageInfo::bit_depth,
                    "Bits per sample as stored.")
      .def_readonly("has_alpha", &ImageInfo::has_alpha)
      .def_readonly("orientation", &ImageInfo::orientation,
                    "EXIF orientation 1-8 (AVIF irot/imir as the equivalent).")
      .def_readonly("progressive", &ImageInfo::progressive,
                    "A progressive JPEG.")
      .def_readonly("icc", &ImageInfo::icc, "An ICC profile is embedded.")
      .def_readonly("frames", &ImageInfo::frames,
                    "Animation frames (1 for stills).")
      .def_readonly("bytes", &ImageInfo::bytes, "Size of the encoded file.")
      .def_property_readonly(
          "tolerated",
          [](const ImageInfo& i) { return tolerance_names(i.tolerated); },
          "What the decoding policy (Limits.fail_on) let through in this "
          "file, e.g. ['jpeg_extraneous_bytes']; empty for a clean file.")
      .def_property_readonly("display_width", &ImageInfo::display_width,
                             "Width after orientation.")
      .def_property_readonly("display_height", &ImageInfo::display_height,
                             "Height after orientation.")
      .def("to_dict", &info_to_dict,
           "The fields as a dict, with the keys of `imagebank probe --json`.")
      .def("__eq__", eq_method<ImageInfo>(), py::arg("other"))
      .def("__repr__", [](const ImageInfo& i) {
        return "ImageInfo(format='" + std::string(format_name(i.format)) +
               "', width=" + std::to_string(i.width) +
               ", height=" + std::to_string(i.height) +
               ", channels=" + std::to_string(i.channels) +
               ", bit_depth=" + std::to_string(i.bit_depth) +
               ", has_alpha=" + (i.has_alpha ? "True" : "False") +
               ", orientation=" + std::to_string(i.orientation) +
               ", progressive=" + (i.progressive ? "True" : "False") +
               ", icc=" + (i.icc ? "True" : "False") +
               ", frames=" + std::to_string(i.frames) +
               ", bytes=" + std::to_string(i.bytes) + ")";
      });

  m.def(
      "probe",
      [](const CheckedSourceArg& src, const std::optional<Limits>& limits) {
        const Limits l = limits_or_default(limits);
        // bytes are image data, never a file name (os.fspath would take
        // them as one).
        if (py::isinstance<py::bytes>(src)) {
          const std::string_view view = py::reinterpret_borrow<py::bytes>(src);
          return probe_span(std::as_bytes(std::span(view.data(), view.size())),
                            l);
        }
        if (py::isinstance<py::str>(src) || py::hasattr(src, "__fspath__")) {
          const auto path = src.cast<std::filesystem::path>();
          Result<ImageInfo> result = [&] {
            py::gil_scoped_release release;
            return probe(path, l);
          }();
          return unwrap(std::move(result));
        }
        const ContiguousBytes bytes(src);
        return probe_span(bytes.span(), l);
      },
      py::arg("src"), py::kw_only(), py::arg("limits") = py::none(),
      "Read an image's header without decoding it.\n\n"
      "src is the encoded image (bytes, bytearray, memoryview or any "
      "contiguous buffer) or a path (str or os.PathLike). Raises "
      "CorruptDataError, UnsupportedFormatError, LimitExceededError, "
      "NotFoundError or IoError; the message names the file and the reason.");

  m.def(
      "sniff_format",
      [](const py::bytes& head) {
        const std::string_view view = head;
        return format_name(
            sniff_format(std::as_bytes(std::span(view.data(), view.size()))));
      },
      py::arg("head"),
      "The format of an image from its first bytes ('jpeg', 'png', 'webp', "
      "'avif', 'gif', 'tiff', 'heic', 'bmp', 'svg', 'jxl' or 'unknown').");
  m.def(
      "format_from_name",
      [](const std::string& name) {
        return std::string(format_name(parse_format_name(name)));
      },
      py::arg("name"),
      "The canonical name of a format name ('jpg' gives 'jpeg'); "
      "InvalidArgumentError for names imagebank does not know.");
  m.def(
      "mime_type",
      [](const std::string& format) { return mime_type(parse_format(format)); },
      py::arg("format"), "The MIME type of a format name, e.g. 'image/webp'.");
  m.def(
      "is_supported",
      [](const std::string& format) {
        return is_supported(parse_format(format));
      },
      py::arg("format"), "Whether imagebank decodes and encodes the format.");

  py::class_<FormatInfo>(m, "FormatInfo",
                         "What imagebank knows of a format (one table row).")
      .def_property_readonly(
          "name", [](const FormatInfo& f) { return std::string(f.name); })
      .def_property_readonly(
          "mime_type",
          [](const FormatInfo& f) { return std::string(f.mime_type); })
      .def_property_readonly(
          "extension",
          [](const FormatInfo& f) { return std::string(f.extension); })
      .def_readonly("can_decode", &FormatInfo::can_decode)
      .def_readonly("can_encode", &FormatInfo::can_encode)
      .def_readonly("shrink_on_load", &FormatInfo::shrink_on_load)
      .def("__repr__", [](const FormatInfo& f) {
        return "FormatInfo('" + std::string(f.name) + "')";
      });
  m.def(
      "format_info",
      [](const std::string& format) {
        return format_info(parse_format_name(format));
      },
      py::arg("format"),
      "The row of the format table for a format name ('jpg' and 'jpeg' give "
      "the same row).");
  m.def(
      "format_infos",
      [] {
        const auto rows = format_infos();
        return std::vector<FormatInfo>(rows.begin(), rows.end());
      },
      "Every format imagebank recognises, 'unknown' first.");
}

}  // namespace imagebank::python
