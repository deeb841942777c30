// The analyzers of this folder, made from a parsed URI (open.cpp picks one
// by scheme). Each consumes the params it knows and refuses the rest.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "imagebank/adapters/vision.hpp"

namespace imagebank::vision {

// The environment variable named by key_env (or `default_env`), through
// options.getenv; `invalid_argument` naming the variable when unset/empty.
Result<std::string> api_key(VisionUri& uri, std::string_view default_env,
                            const VisionOpenOptions& options);
// Removes and returns a param; nullopt when absent.
std::optional<std::string> take_param(VisionUri& uri, std::string_view name);
// `invalid_argument` naming the first param nobody took.
Status refuse_unknown_params(const VisionUri& uri);

Result<std::unique_ptr<VisionAnalyzer>> make_openai_analyzer(
    VisionUri uri, const VisionOpenOptions& options);
Result<std::unique_ptr<VisionAnalyzer>> make_gemini_analyzer(
    VisionUri uri, const VisionOpenOptions& options);
Result<std::unique_ptr<VisionAnalyzer>> make_google_vision_analyzer(
    VisionUri uri, const VisionOpenOptions& options);
Result<std::unique_ptr<VisionAnalyzer>> make_offline_analyzer(
    VisionUri uri, const VisionOpenOptions& options);

}  // namespace imagebank::vision
