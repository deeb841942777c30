// The vision analyzers imagebank ships, opened from a URI:
//
//   openai://gpt-4o-mini?detail=low        OpenAI Chat Completions
//   gemini://gemini-2.5-flash              Google Gemini generateContent
//   google-vision://                       Google Cloud Vision images:annotate
//   offline://                             the offline analyzer (no network)
//
// Query parameters every remote provider takes:
//   endpoint=http://127.0.0.1:8080  an OpenAI-compatible or self-hosted
//                                   server (and the tests' fake servers);
//                                   default: the provider's public service.
//                                   A base URL: with a path (".../v1") the
//                                   path replaces the provider's version
//                                   prefix (/v1, /v1beta), as SDKs' base_url
//   timeout_ms=60000                the whole call
//   key_env=NAME                    the environment variable holding the key
//                                   (default OPENAI_API_KEY, GEMINI_API_KEY,
//                                   GOOGLE_API_KEY)
// and the provider's own (openai: detail=low|high|auto, default the
// service's; max_tokens=N, default 1500). google-vision's model is Cloud
// Vision's feature model ("builtin/stable" by default).
// offline:// (model offline-1, the default) needs no key and takes:
//   colors=3       colours reported, 1-6
//   tolerance=8    CIEDE2000 from the border's colour that is background,
//                  1-50
//   size=256       long side in pixels the photo is measured at, 32-1024
// It measures the picture (background, colours named in pt-BR, regions,
// sharpness, exposure, BlurHash) and leaves garment type, material and
// style unknown; a request whose locale is not Portuguese is
// `invalid_argument`.
// An unknown parameter, an unknown scheme or a missing key is
// `invalid_argument` naming the URI (keys are never echoed).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/vision.hpp"
#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank {

struct VisionOpenOptions {
  // Reads an environment variable; unset = the process environment. Tests
  // pass their own so keys never go through the real environment.
  std::function<std::optional<std::string>(std::string_view name)> getenv;
  bool verify_tls = true;
  std::string ca_file;  // PEM bundle for TLS; empty = the system's
};

// A parsed analyzer URI: "openai://gpt-4o-mini?detail=low" gives scheme
// "openai", model "gpt-4o-mini", params {detail: low}. Percent-escapes in
// the model and the values are decoded; a repeated parameter is
// `invalid_argument`.
struct VisionUri {
  std::string scheme;
  std::string model;  // empty = the provider's default
  std::map<std::string, std::string> params;
};
Result<VisionUri> parse_vision_uri(std::string_view uri);

// The URIs of a --vision list: "openai,gemini,offline" or full URIs
// separated by commas; a bare name is "<name>://". Empty entries and
// duplicates are `invalid_argument`.
Result<std::vector<std::string>> parse_vision_list(std::string_view list);

// The schemes open_vision_analyzer knows.
std::vector<std::string> vision_schemes();

Result<std::unique_ptr<VisionAnalyzer>> open_vision_analyzer(
    std::string_view uri, const VisionOpenOptions& options = {});

// The picture every analyzer is sent (prepare_vision_image) is made by
// imagebank/ingest/analysis.hpp.

}  // namespace imagebank
