// AWS Signature Version 4 (header-based), as S3 applies it.
//
// The pieces are exposed separately so the unit tests can compare each stage
// (canonical request, string to sign, signature) with AWS's published
// vectors. The signer adds no header of its own: the caller puts host,
// x-amz-date, x-amz-content-sha256 and x-amz-security-token in the request
// before signing, and every header given is signed.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imagebank::s3 {

using NameValue = std::pair<std::string, std::string>;

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// RFC 3986 percent-encoding of everything but the unreserved characters
// (A-Z a-z 0-9 - . _ ~), with uppercase hex; '/' is kept when keep_slash
// (object paths) and encoded otherwise (query names and values). Bytes are
// encoded one by one, so UTF-8 comes out as its encoded bytes.
std::string uri_encode(std::string_view text, bool keep_slash);

// The canonical query string: each name and value encoded, sorted by name
// then value, joined as "a=1&b=2" (a name without value gives "name=").
std::string canonical_query_string(const std::vector<NameValue>& query);

struct CanonicalHeaders {
  std::string block;           // "host:example.com\nx-amz-date:...\n"
  std::string signed_headers;  // "host;x-amz-date"
};
// Lowercased names, sorted; values trimmed with inner runs of spaces
// collapsed to one; repeated names joined with ',' in the order given.
CanonicalHeaders canonical_headers(const std::vector<NameValue>& headers);

struct SigningInput {
  std::string method;              // "GET"
  std::string canonical_uri;       // already encoded: uri_encode(path, true)
  std::vector<NameValue> query;    // not encoded
  std::vector<NameValue> headers;  // as sent
  std::string payload_hash;  // hex SHA-256 of the body, or UNSIGNED-PAYLOAD
};

struct SigningScope {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  std::string service;   // "s3"
  std::string amz_date;  // "20150830T123600Z"
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // 64 hex digits
  std::string authorization;  // the Authorization header's value
};

std::string canonical_request(const SigningInput& input);
// "<yyyymmdd>/<region>/<service>/aws4_request".
std::string credential_scope(const SigningScope& scope);
std::string string_to_sign(const SigningScope& scope,
                           std::string_view canonical_request);
Signature sign_v4(const SigningInput& input, const SigningScope& scope);

// "20150830T123600Z" for a time in seconds since the Unix epoch (UTC).
std::string amz_date_from_unix(long long seconds);

}  // namespace imagebank::s3
