// The sku module: filename grammar (filename.cpp, rules.cpp), known SKUs
// (known_skus.cpp) and batch matching (match.cpp).
#include "imagebank/sku/filename.hpp"

namespace imagebank {

std::string_view sku_reason_name(SkuReason reason) noexcept {
  switch (reason) {
    case SkuReason::kGrammar:
      return "grammar";
    case SkuReason::kKnownSku:
      return "known_sku";
    case SkuReason::kCameraDefault:
      return "camera_default";
    case SkuReason::kNoSku:
      return "no_sku";
  }
  return "no_sku";
}

}  // namespace imagebank
