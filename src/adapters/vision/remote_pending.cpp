// Placeholder until the remote providers land (this file goes with them).
#include "adapters/vision/providers.hpp"

namespace imagebank::vision {
namespace {
Result<std::unique_ptr<VisionAnalyzer>> not_yet(const VisionUri& uri) {
  return unsupported_format_error(uri.scheme + " is not built yet");
}
}  // namespace
Result<std::unique_ptr<VisionAnalyzer>> make_openai_analyzer(
    VisionUri uri, const VisionOpenOptions&) {
  return not_yet(uri);
}
Result<std::unique_ptr<VisionAnalyzer>> make_gemini_analyzer(
    VisionUri uri, const VisionOpenOptions&) {
  return not_yet(uri);
}
Result<std::unique_ptr<VisionAnalyzer>> make_google_vision_analyzer(
    VisionUri uri, const VisionOpenOptions&) {
  return not_yet(uri);
}
}  // namespace imagebank::vision
