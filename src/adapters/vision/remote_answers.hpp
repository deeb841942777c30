// Each remote provider's successful answer (HTTP 200) read into
// VisionResults: pure functions, so the unit tests feed them the services'
// documented shapes. Errors carry the reason only; the analyzer adds the
// provider and the photo. The result's provider, model and raw_json are
// left to the analyzer; finish_result has not run yet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/vision.hpp"

namespace imagebank::vision {

// OpenAI Chat Completions: choices[0].message.content (a JSON string) in
// our schema, usage.prompt_tokens / completion_tokens. A `refusal`, or
// finish_reason "content_filter", is `refused`; finish_reason "length" (the
// answer was cut) and any malformed answer are `corrupt_data`.
Result<VisionResult> read_openai_answer(std::string_view body,
                                        const VisionRequest& request);

// Gemini generateContent: the candidate's text parts (thoughts skipped) in
// our schema with box_2d boxes; usageMetadata.promptTokenCount and
// candidatesTokenCount + thoughtsTokenCount. promptFeedback.blockReason
// without candidates, or a safety finishReason, is `refused`; MAX_TOKENS
// and malformed answers are `corrupt_data`.
Result<VisionResult> read_gemini_answer(std::string_view body,
                                        const VisionRequest& request);

// Cloud Vision images:annotate: one result per request sent (`count`), in
// order; a response's own `error` is that photo's failure (its google.rpc
// code mapped to the contract). A body that is not a `responses` list of
// `count` entries is `corrupt_data` for every photo.
std::vector<Result<VisionResult>> read_cloud_vision_answer(
    std::string_view body, std::size_t count, const VisionRequest& request);

// The Status of a google.rpc.Code (Cloud Vision's per-image errors).
Status google_rpc_status(std::int64_t code, const std::string& message);

// Cloud Vision's English labels in pt-BR, and what they tell.
enum class LabelKind {
  kGarment,
  kAccessory,
  kMaterial,
  kPattern,
  kStyle,
  kPerson,
  kOther
};
struct LabelInfo {
  std::string_view pt;  // "vestido"
  LabelKind kind;
};
// Case-insensitive; nullopt for a label the table does not know.
std::optional<LabelInfo> translate_label(std::string_view english);
// Whether the table is in the order translate_label's search needs.
bool label_table_sorted();

// A colour's pt-BR name, from a small table of reference colours (the
// nearest in a perceptual-ish RGB distance). Never empty.
std::string_view color_name_pt(int r, int g, int b);

}  // namespace imagebank::vision
