// The vision layer: VisionAnalyzer (subclassable from Python), the result
// types, prepare_vision_image and open_vision_analyzer.
#include <pybind11/stl.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "bindings.hpp"
#include "catalog_bindings.hpp"
#include "imagebank/adapters/vision.hpp"
#include "imagebank/catalog/vision.hpp"

namespace imagebank::python {
namespace {

PreparedVisionImage owned_copy(const VisionImage& image) {
  PreparedVisionImage out;
  out.sha256 = image.sha256;
  out.name = image.name;
  out.jpeg.assign(image.jpeg.begin(), image.jpeg.end());
  out.width = image.width;
  out.height = image.height;
  out.rgb.assign(image.rgb.begin(), image.rgb.end());
  return out;
}

py::bytes to_bytes(const std::vector<std::uint8_t>& data) {
  return py::bytes(reinterpret_cast<const char*>(data.data()), data.size());
}

std::vector<std::uint8_t> from_buffer(const py::buffer& buffer) {
  const py::buffer_info info = buffer.request();
  if (info.itemsize != 1 || info.ndim != 1 || info.strides[0] != 1) {
    check(invalid_argument_error("expected a contiguous byte buffer"));
  }
  const auto* p = static_cast<const std::uint8_t*>(info.ptr);
  return std::vector<std::uint8_t>(p, p + info.size);
}

// The Status a Python analyzer's exception stands for: an imagebank.Error
// keeps its code (and retry_after); anything else is `internal`.
Status status_of_exception(py::error_already_set& e,
                           const std::string& provider) {
  if (is_error_instance(e.value().ptr())) {
    return status_of(py::reinterpret_borrow<ErrorObject>(e.value()))
        .with_context(provider);
  }
  return internal_error(provider + ": " + std::string(e.what()));
}

// Lets Python classes implement VisionAnalyzer. The C++ callers (the
// analysis chain's threads) hold no GIL; each call takes it.
class PyVisionAnalyzer : public VisionAnalyzer {
 public:
  std::string provider() const override {
    PYBIND11_OVERRIDE_PURE(std::string, VisionAnalyzer, provider);
  }
  std::string model() const override {
    PYBIND11_OVERRIDE_PURE(std::string, VisionAnalyzer, model);
  }
  int max_batch() const override {
    PYBIND11_OVERRIDE(int, VisionAnalyzer, max_batch);
  }
  Result<VisionResult> analyze(const VisionImage& image,
                               const VisionRequest& request) override {
    py::gil_scoped_acquire gil;
    std::string name = "a Python VisionAnalyzer";
    try {
      const py::function fn =
          py::get_override(static_cast<const VisionAnalyzer*>(this), "analyze");
      if (!fn) {
        return internal_error(name + " does not implement analyze()");
      }
      name = provider();
      py::object out = fn(owned_copy(image), request);
      if (!py::isinstance<VisionResult>(out)) {
        return corrupt_data_error(name + ": analyze() returned " +
                                  std::string(py::str(out.get_type())) +
                                  ", not a VisionResult");
      }
      return out.cast<VisionResult>();
    } catch (py::error_already_set& e) {
      if (e.matches(PyExc_KeyboardInterrupt)) {
        return internal_error(name + ": interrupted");
      }
      return status_of_exception(e, name);
    }
  }
};

py::list results_list(std::vector<Result<VisionResult>>&& results) {
  py::list out;
  for (auto& r : results) {
    if (r.ok()) {
      out.append(py::cast(std::move(r).value()));
    } else {
      out.append(*error_instance(r.status()));
    }
  }
  return out;
}

}  // namespace

void init_vision(py::module_& m) {
  m.attr("VISION_SCHEMA_VERSION") = kVisionSchemaVersion;
  m.attr("VISION_MAX_SIDE") = kVisionMaxSide;

  py::class_<VisionRequest>(m, "VisionRequest",
                            "What an analyzer is asked for.")
      .def(py::init([](std::string locale, bool want_items, int schema_version,
                       double timeout) {
             if (!(timeout > 0 && timeout < 86400)) {
               check(invalid_argument_error(
                   "timeout must be between 0 and 86400 seconds"));
             }
             VisionRequest r;
             r.locale = std::move(locale);
             r.want_items = want_items;
             r.schema_version = schema_version;
             r.timeout = std::chrono::milliseconds(
                 static_cast<std::int64_t>(timeout * 1000.0));
             return r;
           }),
           py::kw_only(), py::arg("locale") = "pt-BR",
           py::arg("want_items") = true,
           py::arg("schema_version") = kVisionSchemaVersion,
           py::arg("timeout") = 60.0)
      .def_readwrite("locale", &VisionRequest::locale)
      .def_readwrite("want_items", &VisionRequest::want_items)
      .def_readwrite("schema_version", &VisionRequest::schema_version)
      .def_property_readonly("timeout", [](const VisionRequest& r) {
        return static_cast<double>(r.timeout.count()) / 1000.0;
      });

  py::class_<VisionColor>(m, "VisionColor",
                          "A colour: its pt-BR name, hex and share.")
      .def(py::init([](std::string name, std::string hex, double share) {
             return VisionColor{std::move(name), std::move(hex), share};
           }),
           py::arg("name"), py::arg("hex") = "", py::arg("share") = 0.0)
      .def_readwrite("name", &VisionColor::name)
      .def_readwrite("hex", &VisionColor::hex)
      .def_readwrite("share", &VisionColor::share)
      .def("__eq__", eq_method<VisionColor>())
      .def("__repr__", [](const VisionColor& c) {
        return "VisionColor(" + c.name + ", " + c.hex + ", " +
               std::to_string(c.share) + ")";
      });

  py::class_<VisionItem>(m, "VisionItem",
                         "One piece of a look photo, with its box.")
      .def(py::init([](std::string label, std::array<double, 4> box,
                       std::vector<VisionColor> colors,
                       std::map<std::string, std::string> attributes,
                       double confidence) {
             VisionItem i;
             i.label = std::move(label);
             i.box = box;
             i.colors = std::move(colors);
             i.attributes = std::move(attributes);
             i.confidence = confidence;
             return i;
           }),
           py::kw_only(), py::arg("label") = "",
           py::arg("box") = std::array<double, 4>{},
           py::arg("colors") = std::vector<VisionColor>{},
           py::arg("attributes") = std::map<std::string, std::string>{},
           py::arg("confidence") = 0.0)
      .def_readwrite("label", &VisionItem::label)
      .def_readwrite("box", &VisionItem::box)
      .def_readwrite("colors", &VisionItem::colors)
      .def_readwrite("attributes", &VisionItem::attributes)
      .def_readwrite("confidence", &VisionItem::confidence)
      .def("__eq__", eq_method<VisionItem>());

  py::class_<PhotoQuality>(m, "PhotoQuality",
                           "What a pixel analyzer measured of the photo.")
      .def(py::init<>())
      .def_readwrite("background_hex", &PhotoQuality::background_hex)
      .def_readwrite("white_border_share", &PhotoQuality::white_border_share)
      .def_readwrite("border_uniformity", &PhotoQuality::border_uniformity)
      .def_readwrite("white_background", &PhotoQuality::white_background)
      .def_readwrite("foreground_share", &PhotoQuality::foreground_share)
      .def_readwrite("sharpness", &PhotoQuality::sharpness)
      .def_readwrite("clipped_highlights", &PhotoQuality::clipped_highlights)
      .def_readwrite("clipped_shadows", &PhotoQuality::clipped_shadows)
      .def("__eq__", eq_method<PhotoQuality>());

  py::class_<VisionResult>(m, "VisionResult",
                           "What an analyzer said about one photo.")
      .def(py::init([](std::string provider, std::string model) {
             VisionResult r;
             r.provider = std::move(provider);
             r.model = std::move(model);
             return r;
           }),
           py::kw_only(), py::arg("provider") = "", py::arg("model") = "")
      .def_readwrite("description", &VisionResult::description)
      .def_readwrite("tags", &VisionResult::tags)
      .def_readwrite("colors", &VisionResult::colors)
      .def_readwrite("material", &VisionResult::material)
      .def_readwrite("garment_type", &VisionResult::garment_type)
      .def_readwrite("style", &VisionResult::style)
      .def_readwrite("items", &VisionResult::items)
      .def_readwrite("confidence", &VisionResult::confidence)
      .def_readwrite("provider", &VisionResult::provider)
      .def_readwrite("model", &VisionResult::model)
      .def_readwrite("raw_json", &VisionResult::raw_json)
      .def_readwrite("input_tokens", &VisionResult::input_tokens)
      .def_readwrite("output_tokens", &VisionResult::output_tokens)
      .def_readwrite("quality", &VisionResult::quality)
      .def_readwrite("blurhash", &VisionResult::blurhash)
      .def("__eq__", eq_method<VisionResult>());

  py::class_<PreparedVisionImage>(
      m, "VisionImage",
      "A photo as analyzers receive it: upright, sRGB, long side at most "
      "VISION_MAX_SIDE, as a JPEG and as RGB pixels.")
      .def(py::init([](std::string sha256, const py::buffer& jpeg,
                       std::string name, int width, int height,
                       const std::optional<py::buffer>& rgb) {
             PreparedVisionImage p;
             p.sha256 = std::move(sha256);
             p.name = std::move(name);
             p.jpeg = from_buffer(jpeg);
             if (rgb) p.rgb = from_buffer(*rgb);
             if (width < 0 || height < 0 ||
                 p.rgb.size() != static_cast<std::size_t>(width) *
                                     static_cast<std::size_t>(height) * 3) {
               check(invalid_argument_error(
                   "rgb must hold width * height * 3 bytes"));
             }
             p.width = width;
             p.height = height;
             return p;
           }),
           py::arg("sha256"), py::arg("jpeg"), py::kw_only(),
           py::arg("name") = "", py::arg("width") = 0, py::arg("height") = 0,
           py::arg("rgb") = py::none())
      .def_readonly("sha256", &PreparedVisionImage::sha256)
      .def_readonly("name", &PreparedVisionImage::name)
      .def_property_readonly(
          "jpeg", [](const PreparedVisionImage& p) { return to_bytes(p.jpeg); })
      .def_readonly("width", &PreparedVisionImage::width)
      .def_readonly("height", &PreparedVisionImage::height)
      .def_property_readonly(
          "rgb", [](const PreparedVisionImage& p) { return to_bytes(p.rgb); });

  m.def(
      "prepare_vision_image",
      [](const SourceArg& src, const std::string& sha256,
         const std::optional<Limits>& limits) {
        Result<PreparedVisionImage> out = internal_error("unset");
        with_source(src, [&](const Source& s) {
          out = prepare_vision_image(s, sha256, limits ? *limits : Limits{});
        });
        return unwrap(std::move(out));
      },
      py::arg("src"), py::kw_only(), py::arg("sha256") = "",
      py::arg("limits") = py::none(),
      "Decodes a photo (shrink-on-load, upright, sRGB), fits it inside "
      "VISION_MAX_SIDE and encodes the JPEG services are sent. `sha256` is "
      "the original's (computed when empty).");

  py::class_<VisionAnalyzer, PyVisionAnalyzer, std::shared_ptr<VisionAnalyzer>>(
      m, "VisionAnalyzer",
      "Describes photos. Subclass it in Python to plug in your own model: "
      "implement provider(), model() and analyze(image, request) -> "
      "VisionResult, and raise imagebank errors (RateLimitedError with "
      "retry_after, QuotaExhaustedError, RefusedError, UnavailableError, "
      "...) so the chain can act on them.")
      .def(py::init<>())
      .def("provider", &VisionAnalyzer::provider)
      .def("model", &VisionAnalyzer::model)
      .def("max_batch", &VisionAnalyzer::max_batch)
      .def(
          "analyze",
          [](VisionAnalyzer& a, const PreparedVisionImage& image,
             const VisionRequest& request) {
            return released<VisionResult>(
                [&] { return a.analyze(image.view(), request); });
          },
          py::arg("image"), py::arg("request"),
          "Describes one photo; raises the failure's imagebank error.")
      .def(
          "analyze_batch",
          [](VisionAnalyzer & a, const std::vector<PreparedVisionImage>& images,
             const VisionRequest& r)
              -> Typed<"list[VisionResult | imagebank.errors.Error]"> {
            std::vector<VisionImage> views;
            views.reserve(images.size());
            for (const auto& i : images) views.push_back(i.view());
            std::vector<Result<VisionResult>> results;
            {
              py::gil_scoped_release release;
              results = a.analyze_batch(views, r);
            }
            return results_list(std::move(results));
          },
          py::arg("images"), py::arg("request"),
          "Describes several photos in one exchange where the service "
          "allows it: a VisionResult or the photo's error, in order.");

  m.def(
      "open_vision_analyzer",
      [](const std::string& uri,
         const std::optional<std::map<std::string, std::string>>& env,
         bool verify_tls, const std::string& ca_file) {
        VisionOpenOptions options;
        if (env) {
          options.getenv =
              [env =
                   *env](std::string_view name) -> std::optional<std::string> {
            const auto it = env.find(std::string(name));
            if (it == env.end()) return std::nullopt;
            return it->second;
          };
        }
        options.verify_tls = verify_tls;
        options.ca_file = ca_file;
        std::optional<Result<std::unique_ptr<VisionAnalyzer>>> made;
        {
          py::gil_scoped_release release;
          made.emplace(open_vision_analyzer(uri, options));
        }
        return std::shared_ptr<VisionAnalyzer>(unwrap(std::move(*made)));
      },
      py::arg("uri"), py::kw_only(), py::arg("env") = py::none(),
      py::arg("verify_tls") = true, py::arg("ca_file") = "",
      "The analyzer a URI names: openai://MODEL, gemini://MODEL, "
      "google-vision://, offline:// (endpoint=, timeout_ms=, key_env= and "
      "the provider's own parameters). `env` replaces the process "
      "environment for API keys.");

  m.def(
      "parse_vision_uri",
      [](const std::string& uri) {
        VisionUri u = unwrap(parse_vision_uri(uri));
        return std::make_tuple(u.scheme, u.model, u.params);
      },
      py::arg("uri"),
      "(provider, model, params) of an analyzer URI; percent-escapes "
      "decoded.");
  m.def(
      "parse_vision_list",
      [](const std::string& list) { return unwrap(parse_vision_list(list)); },
      py::arg("list"),
      "The URIs of a --vision list (\"openai,gemini,offline\").");
  m.def("vision_schemes", &vision_schemes,
        "The providers open_vision_analyzer knows.");
  m.def(
      "validate_vision_result",
      [](const VisionResult& r) { check(validate_vision_result(r)); },
      py::arg("result"),
      "Raises CorruptDataError when a result breaks the analyzer contract "
      "(too many items, a box outside the picture, a share outside 0..1, "
      "...).");
  m.def(
      "main_color",
      [](const VisionResult& r) { return std::string(main_color(r)); },
      py::arg("result"), "The first colour's name, or \"\".");
}

}  // namespace imagebank::python
