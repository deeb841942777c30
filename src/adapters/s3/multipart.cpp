#include "adapters/s3/multipart.hpp"

#include <algorithm>

namespace imagebank::s3 {

std::uint64_t choose_part_size(std::uint64_t total, std::uint64_t preferred) {
  std::uint64_t part = std::clamp(preferred, kMinPartSize, kMaxPartSize);
  const std::uint64_t needed = (total + kMaxParts - 1) / kMaxParts;
  if (needed > part) {
    constexpr std::uint64_t kMiB = 1ull << 20;
    part = std::min(kMaxPartSize, (needed + kMiB - 1) / kMiB * kMiB);
  }
  return part;
}

Status abort_multipart_upload(S3Client& client, const std::string& full_key,
                              const std::string& upload_id) {
  S3Call call;
  call.method = "DELETE";
  call.key = full_key;
  call.query = {{"uploadId", upload_id}};
  const std::string what = "AbortMultipartUpload " + client.uri_of(full_key);
  IMAGEBANK_ASSIGN_OR_RETURN(http::HttpResponse response,
                             client.call(call, what));
  // 404: already gone (aborted or completed by an earlier attempt).
  if (response.status / 100 == 2 || response.status == 404) {
    return ok_status();
  }
  return client.error_status(response, what);
}

namespace {

Result<std::string> initiate(S3Client& client, const std::string& full_key) {
  S3Call call;
  call.method = "POST";
  call.key = full_key;
  call.query = {{"uploads", ""}};
  const std::string what = "CreateMultipartUpload " + client.uri_of(full_key);
  IMAGEBANK_ASSIGN_OR_RETURN(http::HttpResponse response,
                             client.call(call, what));
  if (response.status / 100 != 2) return client.error_status(response, what);
  Result<std::string> id = parse_initiate_multipart(response.body);
  if (!id.ok()) return id.status().with_context(what);
  return id;
}

Result<std::string> upload_part(S3Client& client, const std::string& full_key,
                                const std::string& upload_id, int number,
                                http::BodySource& body,
                                bool unsigned_payload_ok) {
  S3Call call;
  call.method = "PUT";
  call.key = full_key;
  call.query = {{"partNumber", std::to_string(number)},
                {"uploadId", upload_id}};
  call.body = &body;
  call.unsigned_payload_ok = unsigned_payload_ok;
  const std::string what =
      "UploadPart " + std::to_string(number) + " of " + client.uri_of(full_key);
  IMAGEBANK_ASSIGN_OR_RETURN(http::HttpResponse response,
                             client.call(call, what));
  if (response.status / 100 != 2) return client.error_status(response, what);
  const std::string* etag = response.header("etag");
  if (etag == nullptr || etag->empty() || etag->size() > 1024) {
    return corrupt_data_error(what + ": the answer has no usable ETag");
  }
  return *etag;
}

Status complete(S3Client& client, const std::string& full_key,
                const std::string& upload_id,
                const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < etags.size(); ++i) {
    xml += "<Part><PartNumber>" + std::to_string(i + 1) +
           "</PartNumber><ETag>" + xml_escape(etags[i]) + "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  http::MemoryBody body(std::as_bytes(std::span(xml.data(), xml.size())));
  S3Call call;
  call.method = "POST";
  call.key = full_key;
  call.query = {{"uploadId", upload_id}};
  call.headers = {{"content-type", "application/xml"}};
  call.body = &body;
  const std::string what = "CompleteMultipartUpload " + client.uri_of(full_key);
  IMAGEBANK_ASSIGN_OR_RETURN(http::HttpResponse response,
                             client.call(call, what));
  if (response.status / 100 != 2) return client.error_status(response, what);
  // S3 may answer 200 and still fail: the error is then in the body.
  Result<XmlElement> doc = parse_xml(response.body, what);
  if (!doc.ok()) return doc.status();
  if (doc->name == "Error") {
    return io_error(what + ": failed after a 200 answer (" +
                    doc->child_text("Code") + ")");
  }
  return ok_status();
}

}  // namespace

Status multipart_upload(S3Client& client, const std::string& full_key,
                        std::uint64_t total, std::uint64_t part_size,
                        const PartSourceFactory& make_part,
                        bool unsigned_payload_ok) {
  part_size = choose_part_size(total, part_size);
  IMAGEBANK_ASSIGN_OR_RETURN(std::string upload_id, initiate(client, full_key));
  std::vector<std::string> etags;
  Status status;
  for (std::uint64_t offset = 0; offset < total || etags.empty();
       offset += part_size) {
    const std::uint64_t length = std::min(part_size, total - offset);
    std::unique_ptr<http::BodySource> part = make_part(offset, length);
    Result<std::string> etag = upload_part(client, full_key, upload_id,
                                           static_cast<int>(etags.size() + 1),
                                           *part, unsigned_payload_ok);
    if (!etag.ok()) {
      status = etag.status();
      break;
    }
    etags.push_back(*std::move(etag));
    if (length == 0) break;
  }
  if (status.ok()) status = complete(client, full_key, upload_id, etags);
  if (!status.ok()) {
    // Best effort: a failed abort leaves parts that the bucket's lifecycle
    // rule (or list_multipart_uploads) can clean up; the object itself was
    // never made visible either way.
    abort_multipart_upload(client, full_key, upload_id).ignore();
  }
  return status;
}

Result<std::vector<PendingUpload>> list_multipart_uploads(
    S3Client& client, const std::string& full_prefix) {
  const std::string what = "ListMultipartUploads " + client.uri_of(full_prefix);
  std::vector<PendingUpload> out;
  std::string key_marker;
  std::string upload_id_marker;
  // At most 1,000 uploads a page; 10,000 pages is far past any bucket's
  // crashed writers, and ends a server whose markers never advance.
  for (int page_no = 0; page_no < 10000; ++page_no) {
    S3Call call;
    call.method = "GET";
    call.query = {{"uploads", ""}};
    if (!key_marker.empty()) {
      call.query.emplace_back("key-marker", key_marker);
      if (!upload_id_marker.empty()) {
        call.query.emplace_back("upload-id-marker", upload_id_marker);
      }
    }
    IMAGEBANK_ASSIGN_OR_RETURN(http::HttpResponse response,
                               client.call(call, what));
    if (response.status / 100 != 2) return client.error_status(response, what);
    Result<PendingUploadPage> page =
        parse_list_multipart_uploads(response.body);
    if (!page.ok()) return page.status().with_context(what);
    for (PendingUpload& u : page->uploads) {
      if (u.key.starts_with(full_prefix)) out.push_back(std::move(u));
    }
    if (!page->truncated) return out;
    if (page->next_key_marker == key_marker &&
        page->next_upload_id_marker == upload_id_marker) {
      return corrupt_data_error(what + ": the next page's markers (" +
                                key_marker + ") do not advance");
    }
    key_marker = std::move(page->next_key_marker);
    upload_id_marker = std::move(page->next_upload_id_marker);
  }
  return limit_exceeded_error(what + ": more than 10,000 pages of uploads");
}

}  // namespace imagebank::s3
