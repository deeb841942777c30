// Fuzz target: the S3 answer parsers (src/adapters/s3/xml.hpp), every one
// on each input (seeds: corpus/s3_xml, the documents S3 and MinIO send).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/s3/xml.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  namespace s3 = imagebank::s3;
  const std::string_view document = imagebank::fuzz::text_of(data, size);
  const auto tree = s3::parse_xml(document, "fuzz");
  if (tree.ok() && tree->name.empty()) {
    __builtin_trap();  // a parsed document has a root element
  }
  const auto error = s3::parse_error_body(document);
  (void)error;
  const auto listing = s3::parse_list_objects_v2(document);
  (void)listing;
  const auto upload = s3::parse_initiate_multipart(document);
  (void)upload;
  // Its result type is changing on main (a page with markers): only
  // whether it parsed is looked at.
  const auto pending = s3::parse_list_multipart_uploads(document);
  (void)pending.ok();
  (void)s3::parse_iso8601_ms(document);
  (void)s3::parse_http_date_ms(document);
  const std::string escaped = s3::xml_escape(document);
  if (escaped.size() < document.size()) __builtin_trap();
  return 0;
}
