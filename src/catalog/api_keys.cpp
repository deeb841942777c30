#include "imagebank/catalog/api_keys.hpp"

#include <algorithm>
#include <array>

namespace imagebank {
namespace {

constexpr std::array<ApiScope, 4> kScopes = {
    ApiScope::kRead, ApiScope::kUpload, ApiScope::kReview, ApiScope::kAdmin};

std::string quoted(std::string_view text) {
  return "'" + std::string(text.substr(0, 64)) + "'";
}

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

}  // namespace

std::string_view api_scope_name(ApiScope scope) noexcept {
  switch (scope) {
    case ApiScope::kRead:
      return "read";
    case ApiScope::kUpload:
      return "upload";
    case ApiScope::kReview:
      return "review";
    case ApiScope::kAdmin:
      return "admin";
  }
  return "read";
}

Result<ApiScope> parse_api_scope(std::string_view name) {
  for (ApiScope scope : kScopes) {
    if (api_scope_name(scope) == name) return scope;
  }
  return invalid_argument_error("unknown API key scope " + quoted(name) +
                                " (expected read, upload, review or admin)");
}

Result<std::vector<ApiScope>> parse_api_scopes(std::string_view list) {
  std::vector<ApiScope> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view()
                                           : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    IMAGEBANK_ASSIGN_OR_RETURN(ApiScope scope, parse_api_scope(item));
    out.push_back(scope);
  }
  if (out.empty()) {
    return invalid_argument_error(
        "an API key needs at least one scope (read, upload, review, admin)");
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string api_scopes_text(std::span<const ApiScope> scopes) {
  std::string out;
  for (ApiScope scope : scopes) {
    if (!out.empty()) out += ',';
    out += api_scope_name(scope);
  }
  return out;
}

bool api_scopes_allow(std::span<const ApiScope> granted,
                      ApiScope needed) noexcept {
  for (ApiScope scope : granted) {
    if (scope == needed || scope == ApiScope::kAdmin) return true;
  }
  // Every key reads: an uploader follows its batches, a reviewer sees what
  // it reviews.
  return needed == ApiScope::kRead && !granted.empty();
}

Status validate_api_key_record(const ApiKeyRecord& key) {
  if (key.name.empty() || key.name.size() > 100) {
    return invalid_argument_error("an API key's name has 1 to 100 bytes, not " +
                                  std::to_string(key.name.size()));
  }
  const bool prefix_ok =
      key.prefix.size() >= 3 && key.prefix.size() <= 32 &&
      std::all_of(key.prefix.begin(), key.prefix.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      });
  if (!prefix_ok) {
    return invalid_argument_error("bad API key prefix " + quoted(key.prefix) +
                                  " (3 to 32 of a-z, 0-9, _)");
  }
  if (key.secret_hash.size() != 64 || !is_lower_hex(key.secret_hash)) {
    return invalid_argument_error(
        "an API key's hash is 64 lowercase hex digits");
  }
  if (key.scopes.empty()) {
    return invalid_argument_error("an API key needs at least one scope");
  }
  if (!std::is_sorted(key.scopes.begin(), key.scopes.end()) ||
      std::adjacent_find(key.scopes.begin(), key.scopes.end()) !=
          key.scopes.end()) {
    return invalid_argument_error(
        "an API key's scopes are sorted and distinct");
  }
  return Status();
}

}  // namespace imagebank
