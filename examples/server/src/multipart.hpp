// multipart/form-data (RFC 7578) read from a spooled request body, part by
// part, in bounded memory: each part's bytes are handed over in chunks as
// the file is read, so a body of many large photos never sits in memory.
//
// Strict where it matters: the boundary must be 1..70 characters, a part's
// headers must end within 16 KiB, every part needs a Content-Disposition of
// type form-data with a name, and the body must end with the closing
// delimiter (a cut body is an error naming what is missing). A preamble
// before the first delimiter and an epilogue after the last are ignored, as
// RFC 2046 says.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "imagebank/core/result.hpp"

namespace imagebank::server {

// The boundary of a `multipart/form-data; boundary=...` Content-Type
// (quoted or not); invalid_argument for any other type or a bad boundary.
Result<std::string> multipart_boundary(std::string_view content_type);

struct MultipartPart {
  std::string name;                     // the form field's name
  std::optional<std::string> filename;  // set for a file (filename*= wins)
  std::string content_type;             // as sent; empty when absent
};

struct MultipartHandler {
  // A part begins; an error stops the parse (and is returned).
  std::function<Status(const MultipartPart&)> begin;
  // The part's bytes, in order, in chunks.
  std::function<Status(std::span<const std::byte>)> data;
  // The part ended (its last byte was handed over).
  std::function<Status()> end;
};

// Reads the body in `file` and calls the handler for each part.
// invalid_argument describing the first malformation found.
Status parse_multipart(const std::filesystem::path& file,
                       std::string_view boundary,
                       const MultipartHandler& handler);

// The same over bytes in memory (tests, small bodies).
Status parse_multipart_bytes(std::string_view body, std::string_view boundary,
                             const MultipartHandler& handler);

}  // namespace imagebank::server
