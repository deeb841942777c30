// Google Cloud Vision images:annotate: LABEL_DETECTION, IMAGE_PROPERTIES and
// (when items are wanted) OBJECT_LOCALIZATION, up to 16 photos a request.
// It gives no description, style or token count: those stay empty/0; its
// colours are the whole photo's dominant colours (background included),
// named in pt-BR by a small table; English labels and objects go through
// the pt-BR table in google_labels.cpp (unknown ones are left out and stay
// in raw_json).
//
// endpoint= is the service's root: with a path requests go to
// <path>/images:annotate; with none, to /v1/images:annotate. The key goes
// in x-goog-api-key.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "adapters/vision/answer.hpp"
#include "adapters/vision/remote.hpp"
#include "adapters/vision/remote_answers.hpp"

namespace imagebank::vision {

namespace json = boost::json;

namespace {

constexpr RemoteDefaults kCloudVision{"google-vision", "builtin/stable",
                                      "https://vision.googleapis.com",
                                      "GOOGLE_API_KEY"};
constexpr int kMaxBatch = 16;
constexpr int kMaxColors = 5;

const json::value* member(const json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

// Proto3 JSON leaves zero values out: a missing number reads as 0.
double number(const json::value& v, std::string_view key) {
  const json::value* m = member(v, key);
  if (m == nullptr || !m->is_number()) return 0;
  const double d = m->to_number<double>();
  return std::isfinite(d) ? d : 0;
}

std::string text(const json::value& v, std::string_view key) {
  const json::value* m = member(v, key);
  return m != nullptr && m->is_string() ? std::string(m->as_string())
                                        : std::string();
}

const json::array* list(const json::value& v, std::string_view key) {
  const json::value* m = member(v, key);
  return m != nullptr && m->is_array() ? &m->as_array() : nullptr;
}

std::string hex_of(int r, int g, int b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "#";
  for (int c : {r, g, b}) {
    out.push_back(kDigits[(c >> 4) & 15]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

int channel(const json::value& color, std::string_view key) {
  return static_cast<int>(
      std::clamp(std::lround(number(color, key)), 0L, 255L));
}

void read_labels(const json::value& response, VisionResult& out) {
  double garment_score = 0;
  const json::array* labels = list(response, "labelAnnotations");
  if (labels == nullptr) return;
  for (const json::value& label : *labels) {
    const auto info = translate_label(text(label, "description"));
    if (!info || info->kind == LabelKind::kPerson) continue;
    const double score = std::clamp(number(label, "score"), 0.0, 1.0);
    switch (info->kind) {
      case LabelKind::kGarment:
      case LabelKind::kAccessory:
        if (out.garment_type.empty()) {
          out.garment_type = std::string(info->pt);
          garment_score = score;
        }
        break;
      case LabelKind::kMaterial:
        if (out.material.empty()) out.material = std::string(info->pt);
        break;
      case LabelKind::kStyle:
        if (out.style.empty()) out.style = std::string(info->pt);
        break;
      default:
        break;
    }
    out.tags.emplace_back(info->pt);
  }
  out.confidence = garment_score;
}

void read_colors(const json::value& response, VisionResult& out) {
  const json::value* props = member(response, "imagePropertiesAnnotation");
  const json::value* dominant =
      props != nullptr ? member(*props, "dominantColors") : nullptr;
  const json::array* colors =
      dominant != nullptr ? list(*dominant, "colors") : nullptr;
  if (colors == nullptr) return;
  std::vector<double> largest_part;  // per colour: its largest shade
  for (const json::value& c : *colors) {
    const json::value* rgb = member(c, "color");
    const json::value empty;
    const json::value& color = rgb != nullptr ? *rgb : empty;
    const int r = channel(color, "red");
    const int g = channel(color, "green");
    const int b = channel(color, "blue");
    const double share = std::clamp(number(c, "pixelFraction"), 0.0, 1.0);
    const std::string name(color_name_pt(r, g, b));
    // Shades of one name add up; the largest gives the hex.
    const auto same =
        std::find_if(out.colors.begin(), out.colors.end(),
                     [&](const VisionColor& v) { return v.name == name; });
    if (same == out.colors.end()) {
      out.colors.push_back(VisionColor{name, hex_of(r, g, b), share});
      largest_part.push_back(share);
      continue;
    }
    const auto at = static_cast<std::size_t>(same - out.colors.begin());
    if (share > largest_part[at]) {
      largest_part[at] = share;
      same->hex = hex_of(r, g, b);
    }
    same->share = std::min(1.0, same->share + share);
  }
  std::stable_sort(out.colors.begin(), out.colors.end(),
                   [](const VisionColor& a, const VisionColor& b) {
                     return a.share > b.share;
                   });
  if (out.colors.size() > static_cast<std::size_t>(kMaxColors)) {
    out.colors.resize(kMaxColors);
  }
}

Status read_objects(const json::value& response, VisionResult& out) {
  const json::array* objects = list(response, "localizedObjectAnnotations");
  if (objects == nullptr) return ok_status();
  for (std::size_t i = 0; i < objects->size(); ++i) {
    const json::value& o = (*objects)[i];
    const std::string name = text(o, "name");
    const auto info = translate_label(name);
    if (info && info->kind == LabelKind::kPerson) continue;
    const json::value* poly = member(o, "boundingPoly");
    const json::array* vertices =
        poly != nullptr ? list(*poly, "normalizedVertices") : nullptr;
    if (vertices == nullptr || vertices->empty()) continue;
    double left = 1, top = 1, right = 0, bottom = 0;
    for (const json::value& v : *vertices) {
      const double x = number(v, "x");
      const double y = number(v, "y");
      left = std::min(left, x);
      right = std::max(right, x);
      top = std::min(top, y);
      bottom = std::max(bottom, y);
    }
    auto box = normalized_box(left, top, right, bottom);
    if (!box.ok()) {
      return box.status().with_context("localizedObjectAnnotations[" +
                                       std::to_string(i) + "] '" + name + "'");
    }
    VisionItem item;
    item.label = info ? std::string(info->pt) : std::string();
    item.box = *box;
    item.confidence = std::clamp(number(o, "score"), 0.0, 1.0);
    out.items.push_back(std::move(item));
  }
  return ok_status();
}

class CloudVisionAnalyzer final : public VisionAnalyzer {
 public:
  explicit CloudVisionAnalyzer(std::unique_ptr<RemoteClient> client)
      : client_(std::move(client)) {}

  std::string provider() const override { return "google-vision"; }
  std::string model() const override { return client_->config().model; }
  int max_batch() const override { return kMaxBatch; }

  Result<VisionResult> analyze(const VisionImage& image,
                               const VisionRequest& request) override {
    std::vector<Result<VisionResult>> out =
        analyze_batch(std::span(&image, 1), request);
    return std::move(out.front());
  }

  std::vector<Result<VisionResult>> analyze_batch(
      std::span<const VisionImage> images,
      const VisionRequest& request) override {
    const std::string who = client_->who();
    std::vector<Result<VisionResult>> out;
    out.reserve(images.size());
    if (images.size() > static_cast<std::size_t>(kMaxBatch)) {
      for (const VisionImage& image : images) {
        out.emplace_back(invalid_argument_error(
            who + ": " + image_label(image) + ": a batch of " +
            std::to_string(images.size()) + " photos, more than " +
            std::to_string(kMaxBatch)));
      }
      return out;
    }
    // Photos that fail the checks keep their error and are not sent.
    std::vector<std::size_t> sent;
    for (std::size_t i = 0; i < images.size(); ++i) {
      Status s = check_prepared_image(images[i], who);
      if (s.ok()) {
        sent.push_back(i);
        out.emplace_back(VisionResult{});
      } else {
        out.emplace_back(std::move(s));
      }
    }
    if (sent.empty()) return out;
    std::string label = image_label(images[sent[0]]);
    if (sent.size() > 1) {
      label += " and " + std::to_string(sent.size() - 1) + " more";
    }
    Result<http::HttpResponse> response = client_->post_json(
        client_->config().base.path.empty() ? "/v1/images:annotate"
                                            : "/images:annotate",
        {{"x-goog-api-key", client_->config().api_key}},
        request_body(images, sent, request), request, label);
    if (!response.ok()) {
      for (std::size_t i : sent) out[i] = response.status();
      return out;
    }
    if (response->status != 200) {
      const ServiceError error = parse_service_error(response->body);
      const auto now = std::chrono::system_clock::now();
      for (std::size_t i : sent) {
        out[i] = client_->redact(answer_status(
            *response, error, who + ": " + image_label(images[i]), now));
      }
      return out;
    }
    std::vector<Result<VisionResult>> read =
        read_cloud_vision_answer(response->body, sent.size(), request);
    for (std::size_t k = 0; k < sent.size(); ++k) {
      const std::size_t i = sent[k];
      const std::string context = who + ": " + image_label(images[i]);
      if (!read[k].ok()) {
        out[i] = client_->redact(read[k].status().with_context(context));
        continue;
      }
      VisionResult& r = *read[k];
      r.provider = provider();
      r.model = model();
      if (Status s = finish_result(r); !s.ok()) {
        out[i] = s.with_context(context);
        continue;
      }
      out[i] = std::move(read[k]);
    }
    return out;
  }

 private:
  std::string request_body(std::span<const VisionImage> images,
                           const std::vector<std::size_t>& sent,
                           const VisionRequest& request) const {
    json::array features{
        json::object{{"type", "LABEL_DETECTION"},
                     {"maxResults", 20},
                     {"model", model()}},
        json::object{{"type", "IMAGE_PROPERTIES"}, {"model", model()}}};
    if (request.want_items) {
      features.push_back(json::object{{"type", "OBJECT_LOCALIZATION"},
                                      {"maxResults", 10},
                                      {"model", model()}});
    }
    json::array requests;
    for (std::size_t i : sent) {
      requests.push_back(
          json::object{{"image", {{"content", base64_encode(images[i].jpeg)}}},
                       {"features", features}});
    }
    return json::serialize(json::object{{"requests", std::move(requests)}});
  }

  std::unique_ptr<RemoteClient> client_;
};

}  // namespace

Status google_rpc_status(std::int64_t code, const std::string& message) {
  const std::string text =
      "error " + std::to_string(code) + (message.empty() ? "" : ": " + message);
  switch (code) {
    case 3:   // INVALID_ARGUMENT
    case 5:   // NOT_FOUND
    case 9:   // FAILED_PRECONDITION
    case 11:  // OUT_OF_RANGE
      return invalid_argument_error("the service refused the photo (" + text +
                                    ")");
    case 4:  // DEADLINE_EXCEEDED
      return deadline_exceeded_error("the service ran out of time (" + text +
                                     ")");
    case 7:  // PERMISSION_DENIED
      return permission_denied_error("the key may not do this (" + text + ")");
    case 8:  // RESOURCE_EXHAUSTED
      return rate_limited_error("rate limited (" + text + ")");
    case 16:  // UNAUTHENTICATED
      return unauthenticated_error("the API key was refused (" + text + ")");
    default:  // CANCELLED, UNKNOWN, INTERNAL, UNAVAILABLE, ...
      return unavailable_error("the service failed on this photo (" + text +
                               ")");
  }
}

std::vector<Result<VisionResult>> read_cloud_vision_answer(
    std::string_view body, std::size_t count, const VisionRequest& request) {
  std::vector<Result<VisionResult>> out;
  const auto all = [&](const Status& s) {
    out.assign(count, Result<VisionResult>(s));
    return out;
  };
  json::error_code ec;
  const json::value doc = json::parse(body, ec);
  if (ec) {
    return all(
        corrupt_data_error("the answer is not JSON (" + ec.message() + ")"));
  }
  const json::array* responses = list(doc, "responses");
  if (responses == nullptr || responses->size() != count) {
    return all(
        corrupt_data_error("the answer does not hold one response per photo (" +
                           std::to_string(count) + " sent)"));
  }
  for (const json::value& r : *responses) {
    if (!r.is_object()) {
      out.emplace_back(corrupt_data_error("a response is not an object"));
      continue;
    }
    if (const json::value* error = member(r, "error"); error != nullptr) {
      // A number past any google.rpc.Code (1e40 does not fit an int64:
      // casting it is undefined) is reported as the unknown code -1.
      const double raw_code = number(*error, "code");
      const std::int64_t code = raw_code > -1e9 && raw_code < 1e9
                                    ? static_cast<std::int64_t>(raw_code)
                                    : -1;
      out.emplace_back(
          google_rpc_status(code, clip_message(text(*error, "message"))));
      continue;
    }
    VisionResult result;
    read_labels(r, result);
    read_colors(r, result);
    if (request.want_items) {
      if (Status s = read_objects(r, result); !s.ok()) {
        out.emplace_back(std::move(s));
        continue;
      }
    }
    // The photo's own part of the answer, as a one-photo answer reads.
    result.raw_json =
        json::serialize(json::object{{"responses", json::array{r}}});
    out.emplace_back(std::move(result));
  }
  return out;
}

Result<std::unique_ptr<VisionAnalyzer>> make_google_vision_analyzer(
    VisionUri uri, const VisionOpenOptions& options) {
  IMAGEBANK_ASSIGN_OR_RETURN(RemoteConfig config,
                             remote_config(uri, kCloudVision, options));
  IMAGEBANK_RETURN_IF_ERROR(refuse_unknown_params(uri));
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<RemoteClient> client,
                             RemoteClient::create(std::move(config), options));
  return std::unique_ptr<VisionAnalyzer>(
      new CloudVisionAnalyzer(std::move(client)));
}

}  // namespace imagebank::vision
