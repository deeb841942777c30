// OpenAI Chat Completions (and the servers that speak its API): the photo as
// a data URL, our JSON schema as a strict response_format.
//
// endpoint= is a base URL as the OpenAI SDKs take it: with a path
// ("http://127.0.0.1:8080/v1") requests go to <path>/chat/completions; with
// none, to /v1/chat/completions as on the public service.
#include <boost/json.hpp>
#include <charconv>

#include "adapters/vision/answer.hpp"
#include "adapters/vision/remote.hpp"
#include "adapters/vision/remote_answers.hpp"

namespace imagebank::vision {

namespace json = boost::json;

namespace {

constexpr RemoteDefaults kOpenAi{"openai", "gpt-4o-mini",
                                 "https://api.openai.com", "OPENAI_API_KEY"};
constexpr int kDefaultMaxTokens = 1500;

const json::value* member(const json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

std::int64_t count(const json::value* usage, std::string_view key) {
  const json::value* v = usage != nullptr ? member(*usage, key) : nullptr;
  if (v == nullptr || !v->is_number()) return 0;
  const double d = v->to_number<double>();
  return d > 0 && d < 1e15 ? static_cast<std::int64_t>(d) : 0;
}

class OpenAiAnalyzer final : public VisionAnalyzer {
 public:
  OpenAiAnalyzer(std::unique_ptr<RemoteClient> client, std::string detail,
                 int max_tokens)
      : client_(std::move(client)),
        detail_(std::move(detail)),
        max_tokens_(max_tokens),
        schema_(json::parse(openai_schema_json())) {}

  std::string provider() const override { return "openai"; }
  std::string model() const override { return client_->config().model; }

  Result<VisionResult> analyze(const VisionImage& image,
                               const VisionRequest& request) override {
    const std::string who = client_->who();
    IMAGEBANK_RETURN_IF_ERROR(check_prepared_image(image, who));
    const std::string context = who + ": " + image_label(image);
    const std::string body = request_body(image, request);
    const std::string base_path =
        client_->config().base.path.empty() ? "/v1" : "";
    IMAGEBANK_ASSIGN_OR_RETURN(
        http::HttpResponse response,
        client_->post_json(
            base_path + "/chat/completions",
            {{"Authorization", "Bearer " + client_->config().api_key}}, body,
            request, image_label(image)));
    if (response.status != 200) {
      const Status s =
          answer_status(response, parse_service_error(response.body), context,
                        std::chrono::system_clock::now());
      return client_->redact(s);
    }
    Result<VisionResult> result = read_openai_answer(response.body, request);
    if (!result.ok())
      return client_->redact(result.status().with_context(context));
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
    json::object image_url{
        {"url", "data:image/jpeg;base64," + base64_encode(image.jpeg)}};
    if (!detail_.empty()) image_url["detail"] = detail_;
    json::array user_content{
        json::object{{"type", "text"}, {"text", vision_user_text()}},
        json::object{{"type", "image_url"},
                     {"image_url", std::move(image_url)}}};
    json::object body{
        {"model", model()},
        {"messages",
         json::array{json::object{
                         {"role", "system"},
                         {"content", vision_prompt(request, BoxFormat::kXywh)}},
                     json::object{{"role", "user"},
                                  {"content", std::move(user_content)}}}},
        {"response_format",
         {{"type", "json_schema"},
          {"json_schema",
           {{"name", "vision_result"},
            {"strict", true},
            {"schema", schema_}}}}},
        {"max_tokens", max_tokens_}};
    return json::serialize(body);
  }

  std::unique_ptr<RemoteClient> client_;
  std::string detail_;
  int max_tokens_;
  json::value schema_;
};

}  // namespace

Result<VisionResult> read_openai_answer(std::string_view body,
                                        const VisionRequest& request) {
  json::error_code ec;
  const json::value doc = json::parse(body, ec);
  if (ec) {
    return corrupt_data_error("the answer is not JSON (" + ec.message() + ")");
  }
  const json::value* choices = member(doc, "choices");
  if (choices == nullptr || !choices->is_array() ||
      choices->as_array().empty()) {
    return corrupt_data_error("the answer has no choices");
  }
  const json::value& choice = choices->as_array()[0];
  const json::value* message = member(choice, "message");
  if (message == nullptr || !message->is_object()) {
    return corrupt_data_error("the answer's choice has no message");
  }
  if (const json::value* refusal = member(*message, "refusal");
      refusal != nullptr && refusal->is_string() &&
      !refusal->as_string().empty()) {
    return refused_error("the model refused: " +
                         clip_message(std::string(refusal->as_string())));
  }
  std::string finish;
  if (const json::value* f = member(choice, "finish_reason");
      f != nullptr && f->is_string()) {
    finish = std::string(f->as_string());
  }
  if (finish == "content_filter") {
    return refused_error("the answer was withheld by the content filter");
  }
  if (finish == "length") {
    return corrupt_data_error(
        "the answer was cut at the token limit (finish_reason length)");
  }
  const json::value* content = member(*message, "content");
  if (content == nullptr || !content->is_string()) {
    return corrupt_data_error("the answer's message has no text content");
  }
  VisionResult result;
  IMAGEBANK_RETURN_IF_ERROR(parse_model_answer(
      content->as_string(), BoxFormat::kXywh, request.want_items, result));
  const json::value* usage = member(doc, "usage");
  result.input_tokens = count(usage, "prompt_tokens");
  result.output_tokens = count(usage, "completion_tokens");
  return result;
}

Result<std::unique_ptr<VisionAnalyzer>> make_openai_analyzer(
    VisionUri uri, const VisionOpenOptions& options) {
  std::string detail = take_param(uri, "detail").value_or("");
  if (!detail.empty() && detail != "low" && detail != "high" &&
      detail != "auto") {
    return invalid_argument_error("detail '" + detail +
                                  "' is not low, high or auto");
  }
  int max_tokens = kDefaultMaxTokens;
  if (const auto t = take_param(uri, "max_tokens")) {
    const auto [end, err] =
        std::from_chars(t->data(), t->data() + t->size(), max_tokens);
    if (err != std::errc() || end != t->data() + t->size() || max_tokens < 1 ||
        max_tokens > 100000) {
      return invalid_argument_error("max_tokens '" + *t +
                                    "' is not a number in 1..100000");
    }
  }
  IMAGEBANK_ASSIGN_OR_RETURN(RemoteConfig config,
                             remote_config(uri, kOpenAi, options));
  IMAGEBANK_RETURN_IF_ERROR(refuse_unknown_params(uri));
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<RemoteClient> client,
                             RemoteClient::create(std::move(config), options));
  return std::unique_ptr<VisionAnalyzer>(
      new OpenAiAnalyzer(std::move(client), std::move(detail), max_tokens));
}

}  // namespace imagebank::vision
