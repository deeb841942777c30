// What the JSON routes of /api/v1 share: ids in paths, strict query
// parameters, JSON bodies, the image record as JSON, CSV for spreadsheets.
// Every check answers invalid_argument (400) naming what was wrong.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"
#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/catalog/types.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::server {

// A row id: a positive decimal integer that fits RowId, nothing else ("+1",
// "1.0", " 1" and "0" are refused). `what` names it in the error.
Result<RowId> parse_row_id(std::string_view text, std::string_view what);
// The {id} path parameter as a row id.
Result<RowId> path_row_id(const Request& request, std::string_view what);

// invalid_argument when the query has a parameter not in `allowed`, or one
// given twice (which of the two would win is a guess the server won't make).
Status check_query(const Request& request,
                   std::initializer_list<std::string_view> allowed);
// A query parameter's value; nullopt when absent or empty (a form's empty
// field means "any").
std::optional<std::string> query_value(const Request& request,
                                       std::string_view name);
// "true"/"1" or "false"/"0".
Result<bool> parse_query_bool(std::string_view text, std::string_view what);

// Keyset pages of the list routes: `limit` is 1..kMaxPageLimit, 100 when
// absent; the answer is {"items": [...], "next": cursor or null}.
inline constexpr std::size_t kDefaultPageLimit = 100;
inline constexpr std::size_t kMaxPageLimit = 500;
Result<std::size_t> parse_page_limit(std::string_view text);
// {"items": items, "next": "<next_after>" or null (0 = the last page)}. The
// cursor is text: clients pass it back as `after` and read nothing into it.
boost::json::object page_json(boost::json::array items, RowId next_after);

// The request's body as a JSON object (a json_body() route):
// invalid_argument for malformed JSON or anything but an object.
Result<boost::json::object> json_object_body(const Request& request);
// The id of the brand named `name` (not_found otherwise).
Result<RowId> brand_id_by_name(CatalogStore& catalog, std::string_view name);

// An image row as the API shows it (ids of absent links are null).
boost::json::object image_json(const ImageRecord& image);
// A vision analysis (or a failed attempt: "error" {code, message}) as the
// API shows it.
boost::json::object analysis_json(const AiAnalysis& analysis);

Response json_response(int status, const boost::json::value& body);

// One CSV record (RFC 4180: fields with a comma, quote, CR or LF quoted,
// quotes doubled), CRLF-terminated. A field starting with = + - @ TAB or CR
// gets a leading apostrophe so a spreadsheet never runs it as a formula.
std::string csv_record(const std::vector<std::string>& fields);
// text/csv; charset=utf-8, a UTF-8 BOM before `records` (without it Excel
// reads the file as Windows-1252 and mangles the accents), offered as a
// download named `filename`.
Response csv_response(std::string_view records, std::string_view filename);

}  // namespace imagebank::server
