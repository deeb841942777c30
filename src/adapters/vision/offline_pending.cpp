// Placeholder until the offline analyzer lands (this file goes with it).
#include "adapters/vision/providers.hpp"

namespace imagebank::vision {
Result<std::unique_ptr<VisionAnalyzer>> make_offline_analyzer(
    VisionUri uri, const VisionOpenOptions&) {
  return unsupported_format_error(uri.scheme + " is not built yet");
}
}  // namespace imagebank::vision
