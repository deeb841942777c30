#include "imagebank/core/limits.hpp"

#include <array>
#include <utility>

namespace imagebank {
namespace {

constexpr std::array<std::pair<FailOn, std::string_view>, 4> kNames = {{
    {FailOn::kNone, "none"},
    {FailOn::kTruncated, "truncated"},
    {FailOn::kError, "error"},
    {FailOn::kWarning, "warning"},
}};

}  // namespace

std::string_view fail_on_name(FailOn level) noexcept {
  for (const auto& [l, name] : kNames) {
    if (l == level) return name;
  }
  return "error";
}

std::optional<FailOn> fail_on_from_name(std::string_view name) noexcept {
  for (const auto& [l, n] : kNames) {
    if (n == name) return l;
  }
  return std::nullopt;
}

}  // namespace imagebank
