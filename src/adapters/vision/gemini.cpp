// Google Gemini generateContent: the photo as inline_data, our schema as
// generationConfig.responseSchema with responseMimeType application/json.
//
// endpoint= is the service's root: with a path ("http://host/v1beta")
// requests go to <path>/models/{model}:generateContent; with none, to
// /v1beta/models/{model}:generateContent. The key goes in x-goog-api-key.
#include <boost/json.hpp>

#include "adapters/vision/answer.hpp"
#include "adapters/vision/remote.hpp"
#include "adapters/vision/remote_answers.hpp"

namespace imagebank::vision {

namespace json = boost::json;

namespace {

constexpr RemoteDefaults kGemini{"gemini", "gemini-2.5-flash",
                                 "https://generativelanguage.googleapis.com",
                                 "GEMINI_API_KEY"};

const json::value* member(const json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

std::string string_member(const json::value& v, std::string_view key) {
  const json::value* m = member(v, key);
  return m != nullptr && m->is_string() ? std::string(m->as_string())
                                        : std::string();
}

std::int64_t count(const json::value* usage, std::string_view key) {
  const json::value* v = usage != nullptr ? member(*usage, key) : nullptr;
  if (v == nullptr || !v->is_number()) return 0;
  const double d = v->to_number<double>();
  return d > 0 && d < 1e15 ? static_cast<std::int64_t>(d) : 0;
}

// The finish reasons that mean the content policy stopped the answer.
bool is_policy_stop(std::string_view reason) {
  return reason == "SAFETY" || reason == "RECITATION" ||
         reason == "BLOCKLIST" || reason == "PROHIBITED_CONTENT" ||
         reason == "SPII" || reason == "IMAGE_SAFETY" || reason == "LANGUAGE";
}

class GeminiAnalyzer final : public VisionAnalyzer {
 public:
  explicit GeminiAnalyzer(std::unique_ptr<RemoteClient> client)
      : client_(std::move(client)),
        schema_(json::parse(gemini_schema_json())) {}

  std::string provider() const override { return "gemini"; }
  std::string model() const override { return client_->config().model; }

  Result<VisionResult> analyze(const VisionImage& image,
                               const VisionRequest& request) override {
    const std::string who = client_->who();
    IMAGEBANK_RETURN_IF_ERROR(check_prepared_image(image, who));
    const std::string context = who + ": " + image_label(image);
    const std::string base_path =
        client_->config().base.path.empty() ? "/v1beta" : "";
    IMAGEBANK_ASSIGN_OR_RETURN(
        http::HttpResponse response,
        client_->post_json(
            base_path + "/models/" + model() + ":generateContent",
            {{"x-goog-api-key", client_->config().api_key}},
            request_body(image, request), request, image_label(image)));
    if (response.status != 200) {
      return client_->redact(
          answer_status(response, parse_service_error(response.body), context,
                        std::chrono::system_clock::now()));
    }
    Result<VisionResult> result = read_gemini_answer(response.body, request);
    if (!result.ok()) {
      return client_->redact(result.status().with_context(context));
    }
    result->provider = provider();
    result->model = model();
    result->raw_json = std::move(response.body);
    if (Status s = finish_result(*result); !s.ok()) {
      return s.with_context(context);
    }
    return result;
  }

 private:
  std::string request_body(const VisionImage& image,
                           const VisionRequest& request) const {
    json::object body{
        {"systemInstruction",
         {{"parts",
           json::array{json::object{
               {"text", vision_prompt(request, BoxFormat::kBox2d)}}}}}},
        {"contents",
         json::array{json::object{
             {"role", "user"},
             {"parts",
              json::array{
                  json::object{{"text", vision_user_text()}},
                  json::object{{"inline_data",
                                {{"mime_type", "image/jpeg"},
                                 {"data", base64_encode(image.jpeg)}}}}}}}}},
        {"generationConfig",
         {{"responseMimeType", "application/json"},
          {"responseSchema", schema_}}}};
    return json::serialize(body);
  }

  std::unique_ptr<RemoteClient> client_;
  json::value schema_;
};

}  // namespace

Result<VisionResult> read_gemini_answer(std::string_view body,
                                        const VisionRequest& request) {
  json::error_code ec;
  const json::value doc = json::parse(body, ec);
  if (ec) {
    return corrupt_data_error("the answer is not JSON (" + ec.message() + ")");
  }
  if (!doc.is_object()) {
    return corrupt_data_error("the answer is not a JSON object");
  }
  const json::value* candidates = member(doc, "candidates");
  if (candidates == nullptr || !candidates->is_array() ||
      candidates->as_array().empty()) {
    const json::value* feedback = member(doc, "promptFeedback");
    const std::string block =
        feedback != nullptr ? string_member(*feedback, "blockReason") : "";
    if (!block.empty()) {
      return refused_error("the prompt was blocked (blockReason " + block +
                           ")");
    }
    return corrupt_data_error("the answer has no candidates");
  }
  const json::value& candidate = candidates->as_array()[0];
  const std::string finish = string_member(candidate, "finishReason");
  if (is_policy_stop(finish)) {
    return refused_error("the answer was stopped (finishReason " + finish +
                         ")");
  }
  if (finish == "MAX_TOKENS") {
    return corrupt_data_error(
        "the answer was cut at the token limit (finishReason MAX_TOKENS)");
  }
  if (!finish.empty() && finish != "STOP") {
    return corrupt_data_error("the answer ended with finishReason " + finish);
  }
  std::string text;
  const json::value* content = member(candidate, "content");
  const json::value* parts =
      content != nullptr ? member(*content, "parts") : nullptr;
  if (parts != nullptr && parts->is_array()) {
    for (const json::value& part : parts->as_array()) {
      const json::value* thought = member(part, "thought");
      if (thought != nullptr && thought->is_bool() && thought->as_bool()) {
        continue;
      }
      text += string_member(part, "text");
    }
  }
  if (text.empty()) {
    return corrupt_data_error("the answer's candidate has no text");
  }
  VisionResult result;
  IMAGEBANK_RETURN_IF_ERROR(
      parse_model_answer(text, BoxFormat::kBox2d, request.want_items, result));
  const json::value* usage = member(doc, "usageMetadata");
  result.input_tokens = count(usage, "promptTokenCount");
  // Thinking tokens are billed as output.
  result.output_tokens =
      count(usage, "candidatesTokenCount") + count(usage, "thoughtsTokenCount");
  return result;
}

Result<std::unique_ptr<VisionAnalyzer>> make_gemini_analyzer(
    VisionUri uri, const VisionOpenOptions& options) {
  IMAGEBANK_ASSIGN_OR_RETURN(RemoteConfig config,
                             remote_config(uri, kGemini, options));
  for (char c : config.model) {
    // The model is a path segment.
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!ok) {
      return invalid_argument_error("the model name '" + config.model +
                                    "' has a character other than letters, "
                                    "digits, '-', '.' and '_'");
    }
  }
  IMAGEBANK_RETURN_IF_ERROR(refuse_unknown_params(uri));
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<RemoteClient> client,
                             RemoteClient::create(std::move(config), options));
  return std::unique_ptr<VisionAnalyzer>(new GeminiAnalyzer(std::move(client)));
}

}  // namespace imagebank::vision
