#include "imagebank/catalog/types.hpp"

#include <string>

namespace imagebank {

std::string_view image_status_name(ImageStatus status) noexcept {
  switch (status) {
    case ImageStatus::kPending:
      return "pending";
    case ImageStatus::kPendingAiAnalysis:
      return "pending_ai_analysis";
    case ImageStatus::kApproved:
      return "approved";
    case ImageStatus::kRejected:
      return "rejected";
  }
  return "pending";
}

Result<ImageStatus> parse_image_status(std::string_view name) {
  for (ImageStatus s : {ImageStatus::kPending, ImageStatus::kPendingAiAnalysis,
                        ImageStatus::kApproved, ImageStatus::kRejected}) {
    if (image_status_name(s) == name) return s;
  }
  return invalid_argument_error(
      "unknown image status '" + std::string(name.substr(0, 64)) +
      "' (expected pending, pending_ai_analysis, approved or rejected)");
}

bool is_allowed_transition(ImageStatus from, ImageStatus to) noexcept {
  switch (from) {
    case ImageStatus::kPending:
      return to == ImageStatus::kApproved || to == ImageStatus::kRejected ||
             to == ImageStatus::kPendingAiAnalysis;
    case ImageStatus::kPendingAiAnalysis:
      return to == ImageStatus::kPending;
    case ImageStatus::kApproved:
    case ImageStatus::kRejected:
      return false;
  }
  return false;
}

std::string_view sku_subject_name(SkuSubject subject) noexcept {
  return subject == SkuSubject::kProduct ? "product" : "image";
}

}  // namespace imagebank
