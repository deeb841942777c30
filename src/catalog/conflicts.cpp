// The names cross-SKU conflicts are stored and shown by.
#include "imagebank/catalog/conflicts.hpp"

#include <string>

namespace imagebank {

std::string_view conflict_kind_name(ConflictKind kind) noexcept {
  return kind == ConflictKind::kNear ? "near" : "exact";
}

Result<ConflictKind> parse_conflict_kind(std::string_view name) {
  if (name == "exact") return ConflictKind::kExact;
  if (name == "near") return ConflictKind::kNear;
  return invalid_argument_error("conflict kind '" + std::string(name) +
                                "' is not exact or near");
}

std::string_view conflict_state_name(ConflictState state) noexcept {
  switch (state) {
    case ConflictState::kRelinked:
      return "relinked";
    case ConflictState::kDiscarded:
      return "discarded";
    case ConflictState::kDismissed:
      return "dismissed";
    case ConflictState::kOpen:
      break;
  }
  return "open";
}

Result<ConflictState> parse_conflict_state(std::string_view name) {
  for (ConflictState s :
       {ConflictState::kOpen, ConflictState::kRelinked,
        ConflictState::kDiscarded, ConflictState::kDismissed}) {
    if (conflict_state_name(s) == name) return s;
  }
  return invalid_argument_error(
      "conflict state '" + std::string(name) +
      "' is not open, relinked, discarded or dismissed");
}

}  // namespace imagebank
