#include "adapters/s3/xml.hpp"

#include <expat.h>

#include <charconv>
#include <cstring>
#include <memory>

namespace imagebank::s3 {
namespace {

struct Builder {
  XML_Parser parser = nullptr;
  XmlElement root;
  std::vector<XmlElement*> stack;
  std::size_t elements = 0;
  std::string error;

  void fail(std::string reason) {
    if (error.empty()) error = std::move(reason);
    XML_StopParser(parser, XML_FALSE);
  }
};

std::string_view local_name(const XML_Char* name) {
  std::string_view n(name);
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

void XMLCALL on_start(void* data, const XML_Char* name, const XML_Char**) {
  auto* b = static_cast<Builder*>(data);
  if (++b->elements > kMaxXmlElements) {
    b->fail("more than " + std::to_string(kMaxXmlElements) + " elements");
    return;
  }
  if (b->stack.size() >= kMaxXmlDepth) {
    b->fail("nested deeper than " + std::to_string(kMaxXmlDepth));
    return;
  }
  if (b->stack.empty()) {
    b->root.name = std::string(local_name(name));
    b->stack.push_back(&b->root);
    return;
  }
  XmlElement& parent = *b->stack.back();
  parent.children.push_back(XmlElement{std::string(local_name(name)), {}, {}});
  b->stack.push_back(&parent.children.back());
}

void XMLCALL on_end(void* data, const XML_Char*) {
  auto* b = static_cast<Builder*>(data);
  if (!b->stack.empty()) b->stack.pop_back();
}

void XMLCALL on_text(void* data, const XML_Char* text, int len) {
  auto* b = static_cast<Builder*>(data);
  if (!b->stack.empty() && len > 0) {
    b->stack.back()->text.append(text, static_cast<std::size_t>(len));
  }
}

void XMLCALL on_doctype(void* data, const XML_Char*, const XML_Char*,
                        const XML_Char*, int) {
  // No S3 answer has a DOCTYPE; refusing them rules out entity tricks.
  static_cast<Builder*>(data)->fail("a DOCTYPE is not allowed");
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const auto [end, err] =
      std::from_chars(text.data(), text.data() + text.size(), out);
  return err == std::errc() && end == text.data() + text.size();
}

int digits(std::string_view text, std::size_t at, std::size_t n) {
  if (at + n > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t to_ms(int year, int month, int day, int h, int mi, int s, int ms) {
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || h < 0 ||
      h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) {
    return -1;
  }
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month),
                                            static_cast<unsigned>(day));
  return ((days * 24 + h) * 60 + mi) * 60000LL + s * 1000LL + ms;
}

}  // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const XmlElement& c : children) {
    if (c.name == child_name) return &c;
  }
  return nullptr;
}

std::string XmlElement::child_text(std::string_view child_name) const {
  const XmlElement* c = child(child_name);
  return c ? c->text : std::string();
}

Result<XmlElement> parse_xml(std::string_view document, std::string_view what) {
  Builder b;
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)>
      parser(XML_ParserCreate("UTF-8"), XML_ParserFree);
  if (!parser) return internal_error("cannot create an XML parser");
  b.parser = parser.get();
  XML_SetUserData(parser.get(), &b);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
  const auto status = XML_Parse(parser.get(), document.data(),
                                static_cast<int>(document.size()), XML_TRUE);
  if (!b.error.empty()) {
    return corrupt_data_error(std::string(what) + ": bad XML: " + b.error);
  }
  if (status != XML_STATUS_OK) {
    return corrupt_data_error(
        std::string(what) +
        ": bad XML: " + XML_ErrorString(XML_GetErrorCode(parser.get())) +
        " at line " + std::to_string(XML_GetCurrentLineNumber(parser.get())));
  }
  if (b.root.name.empty()) {
    return corrupt_data_error(std::string(what) + ": empty XML document");
  }
  return std::move(b.root);
}

S3ErrorBody parse_error_body(std::string_view document) {
  S3ErrorBody out;
  if (document.empty()) return out;
  Result<XmlElement> doc = parse_xml(document, "error body");
  if (!doc.ok() || doc->name != "Error") return out;
  // Server text ends up in our messages: keep it short and printable.
  auto clean = [](std::string s) {
    if (s.size() > 300) s = s.substr(0, 300) + "...";
    for (char& c : s) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return s;
  };
  out.code = clean(doc->child_text("Code"));
  out.message = clean(doc->child_text("Message"));
  return out;
}

Result<ListObjectsPage> parse_list_objects_v2(std::string_view document) {
  IMAGEBANK_ASSIGN_OR_RETURN(XmlElement doc,
                             parse_xml(document, "ListObjectsV2 response"));
  if (doc.name != "ListBucketResult") {
    return corrupt_data_error("ListObjectsV2 response: root element is <" +
                              doc.name + ">, not <ListBucketResult>");
  }
  ListObjectsPage page;
  const std::string truncated = doc.child_text("IsTruncated");
  if (truncated != "true" && truncated != "false") {
    return corrupt_data_error(
        "ListObjectsV2 response: IsTruncated is missing or not a boolean");
  }
  page.truncated = truncated == "true";
  page.next_continuation_token = doc.child_text("NextContinuationToken");
  for (const XmlElement& c : doc.children) {
    if (c.name != "Contents") continue;
    ListedObject obj;
    const XmlElement* key = c.child("Key");
    if (key == nullptr || key->text.empty()) {
      return corrupt_data_error("ListObjectsV2 response: an entry has no Key");
    }
    obj.key = key->text;
    if (!parse_u64(c.child_text("Size"), obj.size)) {
      return corrupt_data_error("ListObjectsV2 response: bad Size for key '" +
                                obj.key + "'");
    }
    obj.modified_ms = parse_iso8601_ms(c.child_text("LastModified"));
    if (obj.modified_ms < 0) obj.modified_ms = 0;
    page.objects.push_back(std::move(obj));
  }
  if (page.truncated && page.next_continuation_token.empty()) {
    return corrupt_data_error(
        "ListObjectsV2 response: truncated without a NextContinuationToken");
  }
  return page;
}

Result<std::string> parse_initiate_multipart(std::string_view document) {
  IMAGEBANK_ASSIGN_OR_RETURN(
      XmlElement doc, parse_xml(document, "CreateMultipartUpload response"));
  std::string id = doc.child_text("UploadId");
  if (doc.name != "InitiateMultipartUploadResult" || id.empty()) {
    return corrupt_data_error(
        "CreateMultipartUpload response: no UploadId in <" + doc.name + ">");
  }
  return id;
}

Result<PendingUploadPage> parse_list_multipart_uploads(
    std::string_view document) {
  IMAGEBANK_ASSIGN_OR_RETURN(
      XmlElement doc, parse_xml(document, "ListMultipartUploads response"));
  if (doc.name != "ListMultipartUploadsResult") {
    return corrupt_data_error("ListMultipartUploads response: root is <" +
                              doc.name + ">");
  }
  PendingUploadPage page;
  for (const XmlElement& c : doc.children) {
    if (c.name != "Upload") continue;
    page.uploads.push_back({c.child_text("Key"), c.child_text("UploadId"),
                            parse_iso8601_ms(c.child_text("Initiated"))});
  }
  page.truncated = doc.child_text("IsTruncated") == "true";
  page.next_key_marker = doc.child_text("NextKeyMarker");
  page.next_upload_id_marker = doc.child_text("NextUploadIdMarker");
  if (page.truncated && page.next_key_marker.empty()) {
    return corrupt_data_error(
        "ListMultipartUploads response: truncated without a NextKeyMarker");
  }
  return page;
}

std::int64_t parse_iso8601_ms(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fff...]Z
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' ||
      t[13] != ':' || t[16] != ':' || t.back() != 'Z') {
    return -1;
  }
  int ms = 0;
  if (t.size() > 20) {
    if (t[19] != '.') return -1;
    const std::string_view frac = t.substr(20, t.size() - 21);
    if (frac.empty()) return -1;
    int scale = 100;
    for (char c : frac) {
      if (c < '0' || c > '9') return -1;
      ms += (c - '0') * scale;
      scale /= 10;
    }
  }
  return to_ms(digits(t, 0, 4), digits(t, 5, 2), digits(t, 8, 2),
               digits(t, 11, 2), digits(t, 14, 2), digits(t, 17, 2), ms);
}

std::int64_t parse_http_date_ms(std::string_view t) {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  if (t.size() != 29 || t[3] != ',' || t[4] != ' ' || t[7] != ' ' ||
      t[11] != ' ' || t[16] != ' ' || t[19] != ':' || t[22] != ':' ||
      t.substr(25) != " GMT") {
    return -1;
  }
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (t.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  if (month == 0) return -1;
  return to_ms(digits(t, 12, 4), month, digits(t, 5, 2), digits(t, 17, 2),
               digits(t, 20, 2), digits(t, 23, 2), 0);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace imagebank::s3
