// offline://: a VisionAnalyzer that measures pixels instead of asking a
// model. It knows colours, background, sharpness, exposure and where the
// separate pieces lie; garment type, material and style stay unknown.
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "adapters/vision/offline/measure.hpp"
#include "adapters/vision/providers.hpp"
#include "imagebank/image/decode.hpp"

namespace imagebank::vision {
namespace {

namespace json = boost::json;
using offline::Measurements;
using offline::MeasureOptions;

constexpr std::string_view kProvider = "offline";
// Raise when the output changes meaning (cached answers are keyed by it).
constexpr std::string_view kModel = "offline-1";

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " e " : ", ";
    out += names[i];
  }
  return out;
}

json::array lab_json(const Lab& lab) {
  return {std::round(lab.l * 100) / 100, std::round(lab.a * 100) / 100,
          std::round(lab.b * 100) / 100};
}

std::string raw_json(const Measurements& m) {
  json::object out;
  out["analysed"] = {{"width", m.width}, {"height", m.height}};
  out["background"] = {{"hex", rgb_hex(m.background)},
                       {"white_share", m.white_share},
                       {"uniformity", m.uniformity},
                       {"white", m.white_background}};
  out["mask"] = offline::mask_state_name(m.mask);
  out["foreground_share"] = m.foreground_share;
  out["edge_contrast"] = m.edge_contrast;
  json::array colours;
  for (const auto& c : m.colours) {
    colours.push_back({{"name", c.name},
                       {"hex", rgb_hex(c.rgb)},
                       {"share", c.share},
                       {"lab", lab_json(c.lab)}});
  }
  out["colors"] = std::move(colours);
  json::array regions;
  for (const auto& r : m.regions) {
    json::array colours_of;
    for (const auto& c : r.colours) {
      colours_of.push_back(
          {{"name", c.name}, {"hex", rgb_hex(c.rgb)}, {"share", c.share}});
    }
    regions.push_back({{"box", {r.box[0], r.box[1], r.box[2], r.box[3]}},
                       {"share", r.share},
                       {"colors", std::move(colours_of)}});
  }
  out["regions"] = std::move(regions);
  out["sharpness"] = m.sharpness;
  out["clipped_highlights"] = m.clipped_highlights;
  out["clipped_shadows"] = m.clipped_shadows;
  out["confidence"] = m.confidence;
  return json::serialize(out);
}

VisionResult to_result(const Measurements& m, const VisionRequest& request) {
  VisionResult r;
  r.provider = std::string(kProvider);
  r.model = std::string(kModel);
  std::vector<std::string> names;
  for (const auto& c : m.colours) {
    r.colors.push_back({c.name, rgb_hex(c.rgb), c.share});
    names.push_back(c.name);
    r.tags.push_back(c.name);
  }
  const std::string background_name(name_color(srgb_to_lab(m.background)));
  std::string where;
  if (m.white_background) {
    r.tags.emplace_back("fundo-branco");
    where = " sobre fundo branco";
  } else if (m.mask == offline::MaskState::kBusyBorder) {
    r.tags.emplace_back("fundo-variado");
  } else {
    r.tags.push_back("fundo-liso");
    where = " sobre fundo " + background_name;
  }
  if (!names.empty()) {
    r.description = (m.regions.size() > 1 ? "Peças em " : "Peça em ") +
                    joined(names) + where + ".";
  }
  if (request.want_items) {
    for (const auto& region : m.regions) {
      VisionItem item;
      item.box = region.box;
      for (const auto& c : region.colours) {
        item.colors.push_back({c.name, rgb_hex(c.rgb), c.share});
      }
      item.confidence = m.confidence;
      r.items.push_back(std::move(item));
    }
  }
  r.confidence = m.confidence;
  PhotoQuality q;
  q.background_hex = rgb_hex(m.background);
  q.white_border_share = m.white_share;
  q.border_uniformity = m.uniformity;
  q.white_background = m.white_background;
  q.foreground_share = m.foreground_share;
  q.sharpness = m.sharpness;
  q.clipped_highlights = m.clipped_highlights;
  q.clipped_shadows = m.clipped_shadows;
  r.quality = q;
  r.blurhash = m.blurhash;
  r.raw_json = raw_json(m);
  return r;
}

class OfflineAnalyzer final : public VisionAnalyzer {
 public:
  explicit OfflineAnalyzer(MeasureOptions options) : options_(options) {}

  std::string provider() const override { return std::string(kProvider); }
  std::string model() const override { return std::string(kModel); }

  Result<VisionResult> analyze(const VisionImage& image,
                               const VisionRequest& request) override {
    const std::string who = "offline: " + image.name + ": ";
    if (!request.locale.starts_with("pt")) {
      return invalid_argument_error(who + "colour names are pt-BR only, not " +
                                    request.locale);
    }
    const std::uint8_t* rgb = image.rgb.data();
    int width = image.width, height = image.height;
    Image decoded;
    std::vector<std::uint8_t> expanded;
    if (image.rgb.empty()) {
      if (image.jpeg.empty()) {
        return invalid_argument_error(who + "neither pixels nor a JPEG");
      }
      // Shrunk on load: the analysis needs no more than kVisionMaxSide.
      DecodeOptions decode_options;
      decode_options.target_width = kVisionMaxSide;
      decode_options.target_height = kVisionMaxSide;
      auto d = decode(std::as_bytes(image.jpeg), decode_options);
      if (!d.ok()) return d.status().with_context("offline: " + image.name);
      decoded = std::move(d).value();
      width = static_cast<int>(decoded.width());
      height = static_cast<int>(decoded.height());
      if (decoded.channels() != 3) {
        // Grey (or alpha, which a JPEG has not) as RGB over white.
        const int ch = decoded.channels();
        expanded.resize(std::size_t(width) * height * 3);
        const std::uint8_t* p = decoded.data();
        for (std::size_t i = 0; i < expanded.size() / 3; ++i, p += ch) {
          const unsigned alpha = (ch == 2 || ch == 4) ? p[ch - 1] : 255;
          for (int c = 0; c < 3; ++c) {
            const unsigned v = ch >= 3 ? p[c] : p[0];
            expanded[3 * i + c] = static_cast<std::uint8_t>(
                (v * alpha + 255u * (255u - alpha) + 127) / 255);
          }
        }
        rgb = expanded.data();
      } else {
        rgb = decoded.data();
      }
    } else if (width <= 0 || height <= 0 ||
               image.rgb.size() != std::size_t(width) * height * 3) {
      return invalid_argument_error(
          who + "rgb holds " + std::to_string(image.rgb.size()) +
          " bytes, not width x height x 3 for " + std::to_string(width) +
          " x " + std::to_string(height));
    }
    auto measured = offline::measure(rgb, width, height, options_);
    if (!measured.ok())
      return measured.status().with_context("offline: " + image.name);
    VisionResult result = to_result(*measured, request);
    if (Status s = validate_vision_result(result); !s.ok()) {
      return internal_error(who + s.message());
    }
    return result;
  }

 private:
  MeasureOptions options_;
};

Result<int> int_param(VisionUri& uri, std::string_view name, int fallback,
                      int low, int high) {
  const auto text = take_param(uri, name);
  if (!text) return fallback;
  int value = 0;
  const auto [end, error] =
      std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() ||
      value < low || value > high) {
    return invalid_argument_error("offline: " + std::string(name) +
                                  " must be an integer " + std::to_string(low) +
                                  "-" + std::to_string(high) + ", got '" +
                                  *text + "'");
  }
  return value;
}

}  // namespace

Result<std::unique_ptr<VisionAnalyzer>> make_offline_analyzer(
    VisionUri uri, const VisionOpenOptions&) {
  if (!uri.model.empty() && uri.model != kModel) {
    return invalid_argument_error("offline: unknown model '" + uri.model +
                                  "' (this build has " + std::string(kModel) +
                                  ")");
  }
  MeasureOptions options;
  auto colors = int_param(uri, "colors", options.colors, 1, 6);
  if (!colors.ok()) return colors.status();
  auto tolerance = int_param(uri, "tolerance", 8, 1, 50);
  if (!tolerance.ok()) return tolerance.status();
  auto size = int_param(uri, "size", options.size, 32, 1024);
  if (!size.ok()) return size.status();
  if (Status s = refuse_unknown_params(uri); !s.ok()) return s;
  options.colors = *colors;
  options.tolerance = *tolerance;
  options.size = *size;
  return std::unique_ptr<VisionAnalyzer>(
      std::make_unique<OfflineAnalyzer>(options));
}

}  // namespace imagebank::vision
