#include "adapters/s3/sigv4.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <span>

#include "adapters/s3/crypto.hpp"

namespace imagebank::s3 {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Trims and collapses runs of spaces and tabs to one space (SigV4 "Trimall").
std::string trim_all(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (is_space(c) || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::span<const std::uint8_t> as_key(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

std::string canonical_query_string(const std::vector<NameValue>& query) {
  std::vector<NameValue> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  }
  // Sorting happens on the encoded form: that is the byte order AWS uses.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

CanonicalHeaders canonical_headers(const std::vector<NameValue>& headers) {
  // Stable sort keeps repeated headers in the order they were given, which
  // is the order their values are joined in.
  std::vector<NameValue> lowered;
  lowered.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    std::string n(name);
    std::transform(n.begin(), n.end(), n.begin(), ascii_lower);
    lowered.emplace_back(std::move(n), trim_all(value));
  }
  std::stable_sort(
      lowered.begin(), lowered.end(),
      [](const NameValue& a, const NameValue& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (std::size_t i = 0; i < lowered.size(); ++i) {
    if (i > 0 && lowered[i].first == lowered[i - 1].first) {
      // Continuation of the previous line: "name:v1,v2".
      out.block.back() = ',';
      out.block += lowered[i].second;
      out.block.push_back('\n');
      continue;
    }
    if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
    out.signed_headers += lowered[i].first;
    out.block += lowered[i].first;
    out.block.push_back(':');
    out.block += lowered[i].second;
    out.block.push_back('\n');
  }
  return out;
}

std::string canonical_request(const SigningInput& input) {
  const CanonicalHeaders headers = canonical_headers(input.headers);
  std::string out;
  out.reserve(256 + headers.block.size());
  out += input.method;
  out.push_back('\n');
  out += input.canonical_uri.empty() ? "/" : input.canonical_uri;
  out.push_back('\n');
  out += canonical_query_string(input.query);
  out.push_back('\n');
  out += headers.block;
  out.push_back('\n');
  out += headers.signed_headers;
  out.push_back('\n');
  out += input.payload_hash;
  return out;
}

std::string credential_scope(const SigningScope& scope) {
  return scope.amz_date.substr(0, 8) + "/" + scope.region + "/" +
         scope.service + "/aws4_request";
}

std::string string_to_sign(const SigningScope& scope,
                           std::string_view canonical_request) {
  return "AWS4-HMAC-SHA256\n" + scope.amz_date + "\n" +
         credential_scope(scope) + "\n" + sha256_hex(canonical_request);
}

Signature sign_v4(const SigningInput& input, const SigningScope& scope) {
  Signature out;
  out.canonical_request = canonical_request(input);
  out.string_to_sign = string_to_sign(scope, out.canonical_request);

  const std::string secret = "AWS4" + scope.secret_access_key;
  const Digest k_date =
      hmac_sha256(as_key(secret), scope.amz_date.substr(0, 8));
  const Digest k_region = hmac_sha256(k_date, scope.region);
  const Digest k_service = hmac_sha256(k_region, scope.service);
  const Digest k_signing = hmac_sha256(k_service, "aws4_request");
  out.signature = hex_lower(hmac_sha256(k_signing, out.string_to_sign));

  out.authorization = "AWS4-HMAC-SHA256 Credential=" + scope.access_key_id +
                      "/" + credential_scope(scope) + ", SignedHeaders=" +
                      canonical_headers(input.headers).signed_headers +
                      ", Signature=" + out.signature;
  return out;
}

std::string amz_date_from_unix(long long seconds) {
  // Civil-from-days (proleptic Gregorian), so no dependence on gmtime_r and
  // the process's time zone.
  long long days = seconds / 86400;
  long long rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  days += 719468;
  const long long era = (days >= 0 ? days : days - 146096) / 146097;
  const long long doe = days - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long year = yoe + era * 400;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long day = doy - (153 * mp + 2) / 5 + 1;
  const long long month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++year;
  char buf[128];
  std::snprintf(buf, sizeof buf, "%04lld%02lld%02lldT%02lld%02lld%02lldZ", year,
                month, day, rem / 3600, (rem / 60) % 60, rem % 60);
  return buf;
}

}  // namespace imagebank::s3
