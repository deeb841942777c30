// The XML that S3 answers with: a tiny element tree built with expat, and
// the readers of the few documents the adapter needs.
//
// Server responses are untrusted: the document size is bounded by the HTTP
// layer, the tree by kMaxXmlDepth / kMaxXmlElements here, and DOCTYPEs (and
// with them entity expansion) are refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"

namespace imagebank::s3 {

inline constexpr std::size_t kMaxXmlDepth = 16;
inline constexpr std::size_t kMaxXmlElements = 100'000;

struct XmlElement {
  std::string name;  // local name (namespace prefix dropped)
  std::string text;  // character data directly inside the element
  std::vector<XmlElement> children;

  // The first child with that name, or nullptr.
  const XmlElement* child(std::string_view child_name) const;
  // The text of the first child with that name, or "" when absent.
  std::string child_text(std::string_view child_name) const;
};

// corrupt_data (naming `what`) when the document is not well-formed or
// breaks the limits.
Result<XmlElement> parse_xml(std::string_view document, std::string_view what);

// <Error><Code>..</Code><Message>..</Message></Error>; empty fields when the
// body is not such a document (HEAD answers and some proxies send none).
struct S3ErrorBody {
  std::string code;
  std::string message;
};
S3ErrorBody parse_error_body(std::string_view document);

struct ListedObject {
  std::string key;
  std::uint64_t size = 0;
  std::int64_t modified_ms = 0;
};

struct ListObjectsPage {
  std::vector<ListedObject> objects;
  bool truncated = false;
  std::string next_continuation_token;
};

// ListObjectsV2 (ListBucketResult).
Result<ListObjectsPage> parse_list_objects_v2(std::string_view document);

// InitiateMultipartUploadResult: the UploadId.
Result<std::string> parse_initiate_multipart(std::string_view document);

struct PendingUpload {
  std::string key;
  std::string upload_id;
  std::int64_t initiated_ms = -1;  // -1: the answer did not say
};
// One page of a ListMultipartUploadsResult; when `truncated`, the next page
// starts after (next_key_marker, next_upload_id_marker).
struct PendingUploadPage {
  std::vector<PendingUpload> uploads;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};
Result<PendingUploadPage> parse_list_multipart_uploads(
    std::string_view document);

// "2026-11-27T14:20:00.123Z" (ISO 8601, UTC) to milliseconds since the
// epoch; nullopt-like -1 when malformed.
std::int64_t parse_iso8601_ms(std::string_view text);
// "Fri, 27 Nov 2026 14:20:00 GMT" (RFC 7231 IMF-fixdate); -1 when malformed.
std::int64_t parse_http_date_ms(std::string_view text);

// Escapes &, <, >, " for element text.
std::string xml_escape(std::string_view text);

}  // namespace imagebank::s3
