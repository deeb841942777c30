// The vision layer: VisionAnalyzer (subclassable from Python), the result
// types, prepare_vision_image and open_vision_analyzer.
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bindings.hpp"
#include "catalog_bindings.hpp"
#include "imagebank/adapters/vision.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/catalog/vision.hpp"
#include "imagebank/ingest/analysis.hpp"
#include "imagebank/ingest/vision_chain.hpp"
#include "stoppable.hpp"

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
                                  std::string(Py_TYPE(out.ptr())->tp_name) +
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

// A Python list of analyzer names or URIs as URIs ("offline" → "offline://").
// An `env=` mapping as the getenv analyzers read their keys through.
std::function<std::optional<std::string>(std::string_view)> getenv_from(
    std::map<std::string, std::string> env) {
  return [env = std::move(env)](
             std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<std::string> vision_uris(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const std::string& g : given) {
    out.push_back(g.find("://") == std::string::npos ? g + "://" : g);
  }
  return out;
}

using AnalyzeProgressArg =
    py::typing::Callable<py::object(const AnalyzeProgress&)>;

// Runs Bank::analyze stoppable (stoppable.hpp): Ctrl-C stops the run after
// the photos in hand and raises KeyboardInterrupt; a progress callback's
// exception does the same.
AnalyzeReport run_analyze(Bank& bank, AnalyzeOptions options,
                          const std::optional<AnalyzeProgressArg>& progress) {
  std::atomic<bool> stop{false};
  StopState state;
  state.stop = [&stop] { stop = true; };
  options.stop = &stop;
  if (progress) {
    options.progress = [&](const AnalyzeProgress& p) {
      py::gil_scoped_acquire gil;
      if (state.error) return;
      try {
        (*progress)(p);
      } catch (...) {
        state.fail(std::current_exception());
      }
    };
  }
  return run_stoppable<AnalyzeReport>(
      state, [&] { return bank.analyze(options); }, "analyze");
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
        if (env) options.getenv = getenv_from(*env);
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

  py::class_<VisionLimit>(m, "VisionLimit",
                          "A provider's rate limits (0 = none).")
      .def(py::init([](int rpm, std::int64_t tpm, int concurrent) {
             return VisionLimit{rpm, tpm, concurrent};
           }),
           py::kw_only(), py::arg("requests_per_minute") = 0,
           py::arg("tokens_per_minute") = 0, py::arg("max_concurrent") = 0)
      .def_readwrite("requests_per_minute", &VisionLimit::requests_per_minute)
      .def_readwrite("tokens_per_minute", &VisionLimit::tokens_per_minute)
      .def_readwrite("max_concurrent", &VisionLimit::max_concurrent)
      .def("__eq__", eq_method<VisionLimit>());

  py::class_<VisionAttempt>(m, "VisionAttempt",
                            "One analyzer's part in analysing one photo.")
      .def_readonly("provider", &VisionAttempt::provider)
      .def_readonly("model", &VisionAttempt::model)
      .def_property_readonly(
          "error",
          [](const VisionAttempt& a) { return error_instance(a.outcome); })
      .def_readonly("cached", &VisionAttempt::cached)
      .def_readonly("skipped", &VisionAttempt::skipped)
      .def_readonly("tries", &VisionAttempt::tries)
      .def_readonly("elapsed_ms", &VisionAttempt::elapsed_ms);

  py::class_<VisionOutcome>(m, "VisionOutcome",
                            "What a VisionChain made of one photo.")
      .def_readonly("result", &VisionOutcome::result)
      .def_readonly("cached", &VisionOutcome::cached)
      .def_readonly("attempts", &VisionOutcome::attempts)
      .def_property_readonly("error", [](const VisionOutcome& o) {
        return error_instance(o.error);
      });

  py::class_<VisionChain, std::shared_ptr<VisionChain>>(
      m, "VisionChain",
      "Analyzers in order of preference with fallback, retries and "
      "per-provider rate limits shared by every thread.")
      .def(py::init(
               [](const std::vector<std::shared_ptr<VisionAnalyzer>>& analyzers,
                  const std::map<std::string, VisionLimit>& limits,
                  int max_tries, double max_wait, double base_backoff) {
                 std::vector<VisionChain::Entry> entries;
                 for (const auto& a : analyzers) {
                   VisionChain::Entry e;
                   e.analyzer = a;
                   if (a) {
                     if (auto it = limits.find(a->provider());
                         it != limits.end()) {
                       e.limit = it->second;
                     }
                   }
                   entries.push_back(std::move(e));
                 }
                 VisionChainOptions o;
                 o.max_tries = max_tries;
                 o.max_wait = std::chrono::milliseconds(
                     static_cast<std::int64_t>(max_wait * 1000.0));
                 o.base_backoff = std::chrono::milliseconds(
                     static_cast<std::int64_t>(base_backoff * 1000.0));
                 return std::shared_ptr<VisionChain>(
                     unwrap(VisionChain::create(std::move(entries), o)));
               }),
           py::arg("analyzers"), py::kw_only(),
           py::arg("limits") = std::map<std::string, VisionLimit>{},
           py::arg("max_tries") = 3, py::arg("max_wait") = 60.0,
           py::arg("base_backoff") = 0.5, py::keep_alive<1, 2>())
      .def(
          "analyze",
          [](VisionChain& c, const PreparedVisionImage& image,
             const VisionRequest& request) {
            py::gil_scoped_release release;
            return c.analyze(image.view(), request);
          },
          py::arg("image"), py::arg("request"),
          "Asks each analyzer in turn until one answers (see the C++ "
          "header for what each failure makes the chain do).")
      .def("given_up", &VisionChain::given_up,
           "Providers given up on so far, with the reason.");

  py::class_<ImageAnalysis>(m, "ImageAnalysis",
                            "What analysing one catalog image came to.")
      .def_readonly("provider", &ImageAnalysis::provider,
                    "Who answered ('' when no analyzer did).")
      .def_readonly("model", &ImageAnalysis::model)
      .def_readonly("cached", &ImageAnalysis::cached,
                    "The answer was an earlier one: no call was made.")
      .def_readonly("input_tokens", &ImageAnalysis::input_tokens)
      .def_readonly("output_tokens", &ImageAnalysis::output_tokens)
      .def_property_readonly(
          "error",
          [](const ImageAnalysis& a) { return error_instance(a.error); },
          "Why no analyzer answered (None when one did); the image stays "
          "where it was.")
      .def_readonly("retryable", &ImageAnalysis::retryable,
                    "A later attempt may answer (the analyzer was down, slow "
                    "or rate limited).")
      .def_readonly("attempts", &ImageAnalysis::attempts);
  m.def(
      "analyze_image",
      [](const std::shared_ptr<CatalogStore>& catalog,
         const std::shared_ptr<BlobStore>& blobs,
         const std::shared_ptr<VisionChain>& chain, const ImageRecord& image,
         const VisionRequest& request, bool force) {
        return released<ImageAnalysis>([&] {
          return analyze_image(*catalog, *blobs, *chain, image, request, force);
        });
      },
      py::arg("catalog"), py::arg("blobs"), py::arg("chain"), py::arg("image"),
      py::arg_v("request", VisionRequest{}, "VisionRequest()"), py::kw_only(),
      py::arg("force") = false,
      "Analyses one catalog image with `chain` and stores the outcome: the "
      "answer (ai_analyses, image_items), every failed call with its reason, "
      "and pending_ai_analysis -> pending; the Carteira's fields are never "
      "written. Unless force, an earlier answer of any analyzer of the "
      "chain for this content costs nothing. Raises for the catalog's and "
      "the storage's failures; an analysis that found no answer is an "
      "ImageAnalysis with its error.");

  py::class_<AnalyzeProgress>(m, "AnalyzeProgress",
                              "How far an analysis run is.")
      .def_readonly("selected", &AnalyzeProgress::selected)
      .def_readonly("done", &AnalyzeProgress::done)
      .def_readonly("analysed", &AnalyzeProgress::analysed)
      .def_readonly("cached", &AnalyzeProgress::cached)
      .def_readonly("failed", &AnalyzeProgress::failed)
      .def_readonly("input_tokens", &AnalyzeProgress::input_tokens)
      .def_readonly("output_tokens", &AnalyzeProgress::output_tokens)
      .def_readonly("elapsed_seconds", &AnalyzeProgress::elapsed_seconds);
  py::class_<AnalyzeFailure>(m, "AnalyzeFailure",
                             "A photo no analyzer answered for.")
      .def_readonly("image_id", &AnalyzeFailure::image_id)
      .def_readonly("name", &AnalyzeFailure::name)
      .def_property_readonly("error", [](const AnalyzeFailure& f) {
        return error_instance(f.error);
      });
  py::class_<AnalyzeReport>(m, "AnalyzeReport", "What an analysis run did.")
      .def_readonly("progress", &AnalyzeReport::progress)
      .def_readonly("by_provider", &AnalyzeReport::by_provider)
      .def_readonly("failures", &AnalyzeReport::failures)
      .def_readonly("given_up", &AnalyzeReport::given_up);
  py::class_<ColorReview>(m, "ColorReview",
                          "A photo's AI colour next to its Carteira cor.")
      .def_readonly("product_id", &ColorReview::product_id)
      .def_readonly("sku", &ColorReview::sku)
      .def_readonly("image_id", &ColorReview::image_id)
      .def_readonly("image_name", &ColorReview::image_name)
      .def_readonly("view", &ColorReview::view)
      .def_readonly("carteira_color", &ColorReview::carteira_color)
      .def_readonly("ai_color", &ColorReview::ai_color)
      .def_readonly("provider", &ColorReview::provider)
      .def_readonly("model", &ColorReview::model)
      .def_readonly("agreement", &ColorReview::agreement);
  m.def("compare_colors", &compare_colors, py::arg("carteira"), py::arg("ai"),
        "'agree', 'partial' (same family: azul / azul-marinho), 'disagree', "
        "or '' when either is empty; accents, case and hyphens aside.");

  py::class_<Bank, std::shared_ptr<Bank>> bank(m.attr("Bank"));
  bank.def(
      "analyze",
      [](Bank& b, const std::vector<std::string>& vision,
         const std::vector<std::shared_ptr<VisionAnalyzer>>& analyzers,
         std::optional<RowId> batch, std::optional<std::string> collection,
         std::optional<std::string> status, const std::vector<RowId>& images,
         int workers, bool force,
         const std::map<std::string, VisionLimit>& limits, int max_tries,
         double max_wait, double timeout, const std::string& locale,
         bool want_items,
         const std::optional<std::map<std::string, std::string>>& env,
         const std::optional<AnalyzeProgressArg>& progress,
         double progress_interval) {
        AnalyzeOptions o;
        o.vision = vision_uris(vision);
        o.analyzers = analyzers;
        o.batch_id = batch;
        o.collection = std::move(collection);
        if (status) o.status = unwrap(parse_image_status(*status));
        o.image_ids = images;
        o.workers = workers;
        o.force = force;
        o.limits = limits;
        o.chain.max_tries = max_tries;
        if (!(max_wait >= 0 && max_wait < 86400) ||
            !(timeout > 0 && timeout < 86400) ||
            !(progress_interval >= 0.01 && progress_interval < 86400)) {
          check(invalid_argument_error(
              "max_wait, timeout and progress_interval must be sensible "
              "numbers of seconds"));
        }
        o.chain.max_wait = std::chrono::milliseconds(
            static_cast<std::int64_t>(max_wait * 1000.0));
        o.request.timeout = std::chrono::milliseconds(
            static_cast<std::int64_t>(timeout * 1000.0));
        o.request.locale = locale;
        o.request.want_items = want_items;
        o.progress_interval = std::chrono::milliseconds(
            static_cast<std::int64_t>(progress_interval * 1000.0));
        if (env) o.getenv = getenv_from(*env);
        return run_analyze(b, std::move(o), progress);
      },
      py::kw_only(), py::arg("vision") = std::vector<std::string>{"offline"},
      py::arg("analyzers") = std::vector<std::shared_ptr<VisionAnalyzer>>{},
      py::arg("batch") = py::none(), py::arg("collection") = py::none(),
      py::arg("status") = py::none(), py::arg("images") = std::vector<RowId>{},
      py::arg("workers") = 0, py::arg("force") = false,
      py::arg("limits") = std::map<std::string, VisionLimit>{},
      py::arg("max_tries") = 3, py::arg("max_wait") = 60.0,
      py::arg("timeout") = 60.0, py::arg("locale") = "pt-BR",
      py::arg("want_items") = true, py::arg("env") = py::none(),
      py::arg("progress") = py::none(), py::arg("progress_interval") = 0.5,
      "Describes images with a chain of vision analyzers (`analyzers`, "
      "Python plug-ins, first; then the `vision` names or URIs: openai, "
      "gemini, google-vision, offline), storing every answer and failed "
      "attempt apart from the Carteira's fields. Selection: batch, "
      "collection, status, images (AND); unless force, images the first "
      "analyzer has not answered yet, and cached answers cost no call. "
      "Ctrl-C stops after the photos in hand.");
  bank.def(
      "open_vision",
      [](const Bank& b, const std::vector<std::string>& vision,
         const std::vector<std::shared_ptr<VisionAnalyzer>>& analyzers,
         const std::map<std::string, VisionLimit>& limits, int max_tries,
         double max_wait,
         const std::optional<std::map<std::string, std::string>>& env) {
        AnalyzeOptions o;
        o.vision = vision_uris(vision);
        o.analyzers = analyzers;
        o.limits = limits;
        o.chain.max_tries = max_tries;
        if (!(max_wait >= 0 && max_wait < 86400)) {
          check(invalid_argument_error(
              "max_wait must be a sensible number of seconds"));
        }
        o.chain.max_wait = std::chrono::milliseconds(
            static_cast<std::int64_t>(max_wait * 1000.0));
        if (env) o.getenv = getenv_from(*env);
        return released<std::shared_ptr<VisionChain>>(
            [&] { return b.open_vision(o); });
      },
      py::kw_only(), py::arg("vision") = std::vector<std::string>{"offline"},
      py::arg("analyzers") = std::vector<std::shared_ptr<VisionAnalyzer>>{},
      py::arg("limits") = std::map<std::string, VisionLimit>{},
      py::arg("max_tries") = 3, py::arg("max_wait") = 60.0,
      py::arg("env") = py::none(), py::keep_alive<0, 3>(),
      "The VisionChain of `analyzers` (Python plug-ins) then the `vision` "
      "names or URIs, with rate limits by provider, as Bank.analyze makes "
      "it (for analyze_image).");
  bank.def(
      "color_review",
      [](Bank& b, std::optional<std::string> collection,
         bool disagreements_only) {
        return released<std::vector<ColorReview>>(
            [&] { return b.color_review(collection, disagreements_only); });
      },
      py::arg("collection") = py::none(), py::kw_only(),
      py::arg("disagreements_only") = false,
      "The AI's main colour next to the Carteira's cor for every analysed "
      "photo linked to a product.");
}

}  // namespace imagebank::python
