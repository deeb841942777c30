// The answer the language-model providers (OpenAI, Gemini) are asked for:
// the pt-BR prompt, its JSON schema in each provider's dialect, and the
// parser that turns the model's JSON into a VisionResult. Also the checks
// every remote answer goes through (boxes, tags, colours, item count).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/vision.hpp"

namespace imagebank::vision {

// How a model writes an item's box.
enum class BoxFormat {
  kXywh,   // "box": [x, y, width, height], normalised 0..1 (OpenAI)
  kBox2d,  // "box_2d": [ymin, xmin, ymax, xmax] in 0..1000 (Gemini)
};

// The system prompt, in pt-BR (the request's locale is named when it is
// another one).
std::string vision_prompt(const VisionRequest& request, BoxFormat format);
// The user turn's text that goes with the photo.
std::string_view vision_user_text();

// JSON Schema for OpenAI's response_format (strict: every property
// required, additionalProperties false, unknowns nullable), serialised.
std::string openai_schema_json();
// Gemini's responseSchema (the OpenAPI subset: nullable, propertyOrdering),
// serialised.
std::string gemini_schema_json();

// Fills description, tags, colours, material, garment_type, style, items
// and confidence of `out` from the model's JSON text. `corrupt_data` (with
// the reason, no context) when it is not JSON or breaks the schema; null
// or "" fields read as unknown. Items are kept only when `want_items`.
Status parse_model_answer(std::string_view text, BoxFormat format,
                          bool want_items, VisionResult& out);

// A box from its edges, normalised; overshoots up to 0.02 outside the
// picture are clamped, anything worse (or an empty box) is corrupt_data.
Result<std::array<double, 4>> normalized_box(double left, double top,
                                             double right, double bottom);
// Gemini's box_2d [ymin, xmin, ymax, xmax] in 0..1000 → x, y, w, h.
Result<std::array<double, 4>> box_from_box2d(const std::array<double, 4>& b);

// "#1F2A44", "1f2a44" → "#1f2a44"; "" for anything else.
std::string normalize_hex(std::string_view text);

// The last step of every remote answer: tags lowercased, trimmed and
// deduplicated; colours by share, largest first; at most kMaxImageItems
// items (the most confident); then validate_vision_result.
Status finish_result(VisionResult& result);

}  // namespace imagebank::vision
