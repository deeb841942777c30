// VisionAnalyzer: what describes a photo — a vision service (OpenAI, Gemini,
// Google Cloud Vision), the offline analyzer, or a model a user plugs in.
//
// An analyzer answers one question: given a photo, what garment is it, in
// which colours and material, in what style, and which pieces does a look
// photo show? Its answer (VisionResult) is stored apart from the Carteira's
// fields (ai_analyses / image_items), which it never changes.
//
// Contract every analyzer keeps:
// - It never invents a value: what it does not know is empty (text), absent
//   (lists) or 0 (confidence), never a guess dressed as a fact.
// - It returns at most kMaxImageItems items, boxes normalised to [0, 1]
//   (x, y, width, height from the top-left corner), colour shares and
//   confidences in [0, 1] (validate_vision_result checks all of this).
// - Failures are classified so the caller can act on the code alone:
//   - `unavailable`: the service is down or failed in transit (5xx, reset,
//     DNS); a retry may succeed, after Status::retry_after when given.
//   - `deadline_exceeded`: no answer within VisionRequest::timeout.
//   - `rate_limited`: slow down; Status::retry_after is the delay the
//     service asked for (Retry-After, x-ratelimit-reset-*, RetryInfo).
//   - `quota_exhausted`: the account's quota is used up; do not retry,
//     fall back to the next analyzer.
//   - `unauthenticated` / `permission_denied`: a missing, wrong or
//     unauthorised key; fall back.
//   - `refused`: the service declined on its content policy.
//   - `corrupt_data`: the answer is malformed, truncated (the model ran out
//     of tokens) or breaks the schema.
//   - `invalid_argument`: the request is malformed (the service said 400),
//     e.g. an image it cannot read.
// - The message names the provider and the image (its name or sha256).
//
// Threading: analyze() may be called concurrently from several threads on
// one instance; an analyzer limits its own connections, not the caller's
// rate (the chain in ingest does that). Instances are not copyable.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/types.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"

namespace imagebank {

// The version of the answer's shape (fields, vocabularies, prompt). Cached
// answers are keyed by it: raising it re-analyses every photo.
inline constexpr int kVisionSchemaVersion = 1;

// Photos are sent to services no larger than this on their long side.
inline constexpr int kVisionMaxSide = 1024;

struct VisionRequest {
  std::string locale = "pt-BR";  // the language of names, tags, description
  bool want_items = true;        // find the pieces of a look photo
  int schema_version = kVisionSchemaVersion;
  // The whole call, connection to last byte.
  std::chrono::milliseconds timeout{60000};
};

// A photo as the analyzer receives it, prepared once by the caller: upright,
// sRGB, long side <= kVisionMaxSide. Spans are borrowed for the call.
struct VisionImage {
  std::string sha256;  // the original's content address (64 hex digits)
  std::string name;    // for messages: its file name, else its sha256
  // The picture as a baseline JPEG (what services are sent).
  std::span<const std::uint8_t> jpeg;
  // The same picture decoded: 8-bit RGB, rows of width * 3 bytes, no
  // padding (what pixel analyzers read). Empty when the caller has none.
  int width = 0;
  int height = 0;
  std::span<const std::uint8_t> rgb;
};

// VisionColor and PhotoQuality are in catalog/types.hpp (AiAnalysis
// stores them).

struct VisionItem {
  std::string label;            // "vestido", "bolsa", ...; empty when unknown
  std::array<double, 4> box{};  // normalised x, y, width, height
  std::vector<VisionColor> colors;
  std::map<std::string, std::string> attributes;  // "material", "estampa"...
  double confidence = 0;                          // 0..1
  friend bool operator==(const VisionItem&, const VisionItem&) = default;
};

struct VisionResult {
  std::string description;          // one or two sentences; empty = none
  std::vector<std::string> tags;    // lowercase, no duplicates
  std::vector<VisionColor> colors;  // the garment's, largest share first
  std::string material;             // "algodão", "jeans"; empty = unknown
  std::string garment_type;         // tipo_peca: "vestido"; empty = unknown
  std::string style;                // "casual", "festa"; empty = unknown
  std::vector<VisionItem> items;    // at most kMaxImageItems
  double confidence = 0;            // the whole answer, 0..1
  std::string provider;             // "openai", "gemini", "google-vision",
                                    // "offline", or a plug-in's name
  std::string model;                // "gpt-4o-mini", "offline-1", ...
  std::string raw_json;             // the service's answer as received
  std::int64_t input_tokens = 0;    // what the call cost (0 when free)
  std::int64_t output_tokens = 0;
  std::optional<PhotoQuality> quality;
  std::string blurhash;  // a BlurHash placeholder; empty when not made
  friend bool operator==(const VisionResult&, const VisionResult&) = default;
};

// Checks a result against the contract above: at most kMaxImageItems items;
// boxes inside [0, 1] with positive size; shares and confidences in [0, 1];
// colour hex "#rrggbb" or empty; no empty tag; provider and model named.
// `corrupt_data` naming the first fault (analyzers return it for answers a
// service got wrong).
Status validate_vision_result(const VisionResult& result);

// The first colour's name (the garment's main colour), or "".
std::string_view main_color(const VisionResult& result) noexcept;

class VisionAnalyzer {
 public:
  VisionAnalyzer() = default;
  virtual ~VisionAnalyzer();
  VisionAnalyzer(const VisionAnalyzer&) = delete;
  VisionAnalyzer& operator=(const VisionAnalyzer&) = delete;

  // Who answers: "openai", "gemini", "google-vision", "offline", ...
  virtual std::string provider() const = 0;
  // Which model of the provider ("gpt-4o-mini"); part of the cache key.
  virtual std::string model() const = 0;

  // Describes one photo (see the contract above). The result's provider and
  // model are this analyzer's.
  virtual Result<VisionResult> analyze(const VisionImage& image,
                                       const VisionRequest& request) = 0;

  // How many photos one analyze_batch call may take (Cloud Vision: 16).
  virtual int max_batch() const { return 1; }
  // Describes several photos in one exchange where the service allows it;
  // one result per image, in order (a photo's own failure is its result; a
  // failure of the whole exchange is every photo's). The default calls
  // analyze() for each, any number of them; an override that batches takes
  // at most max_batch() images, else invalid_argument for each.
  virtual std::vector<Result<VisionResult>> analyze_batch(
      std::span<const VisionImage> images, const VisionRequest& request);
};

}  // namespace imagebank
