// The HTTP rules of image responses that do not depend on the catalog:
// conditional requests, byte ranges, status codes of error codes.
#include <charconv>

#include "imagebank/serve/image_service.hpp"

namespace imagebank {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view opaque(std::string_view tag) {
  if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
  return tag;
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

bool if_none_match_matches(std::string_view header, std::string_view etag) {
  header = trim(header);
  if (header.empty()) return false;
  if (header == "*") return true;
  const std::string_view want = opaque(etag);
  while (!header.empty()) {
    // Entity tags may hold commas inside their quotes.
    header = trim(header);
    std::size_t end = 0;
    if (header.substr(0, 2) == "W/") end = 2;
    if (end < header.size() && header[end] == '"') {
      const auto close = header.find('"', end + 1);
      if (close == std::string_view::npos) return false;
      end = close + 1;
    } else {
      end = header.find(',');
      if (end == std::string_view::npos) end = header.size();
    }
    if (opaque(trim(header.substr(0, end))) == want) return true;
    header.remove_prefix(end);
    header = trim(header);
    if (!header.empty() && header.front() == ',')
      header.remove_prefix(1);
    else if (!header.empty())
      return false;
  }
  return false;
}

std::optional<ResolvedRange> parse_byte_range(std::string_view header,
                                              std::uint64_t size) {
  header = trim(header);
  if (header.substr(0, 6) != "bytes=") return std::nullopt;
  const std::string_view spec = trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return std::nullopt;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const std::string_view first = trim(spec.substr(0, dash));
  const std::string_view last = trim(spec.substr(dash + 1));
  if (first.empty()) {
    // A suffix: the last n bytes.
    const auto n = parse_u64(last);
    if (!n) return std::nullopt;
    if (*n == 0 || size == 0) return ResolvedRange{0, 0};
    const std::uint64_t length = std::min(*n, size);
    return ResolvedRange{size - length, length};
  }
  const auto start = parse_u64(first);
  if (!start) return std::nullopt;
  std::uint64_t end = size == 0 ? 0 : size - 1;
  if (!last.empty()) {
    const auto e = parse_u64(last);
    if (!e || *e < *start) return std::nullopt;
    end = std::min(*e, end);
  }
  if (*start >= size) return ResolvedRange{0, 0};
  return ResolvedRange{*start, end - *start + 1};
}

int http_status(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kLimitExceeded:
      return 413;
    case ErrorCode::kUnsupportedFormat:
      return 415;
    case ErrorCode::kCorruptData:
    case ErrorCode::kRefused:
      return 422;
    case ErrorCode::kRateLimited:
    case ErrorCode::kQuotaExhausted:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDeadlineExceeded:
      return 504;
    case ErrorCode::kIoError:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

}  // namespace imagebank
