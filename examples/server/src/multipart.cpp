#include "multipart.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include "imagebank/core/text.hpp"

namespace imagebank::server {
namespace {

constexpr std::size_t kReadBytes = 256 * 1024;
constexpr std::size_t kMaxPartHeader = 16 * 1024;

bool is_boundary_char(char c) {
  // RFC 2046 bchars.
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits `key=value; key="quoted \" value"` parameters after the first ';'.
// Returns false on an unterminated quote.
bool parse_params(std::string_view text, std::string& type,
                  std::vector<std::pair<std::string, std::string>>& params) {
  std::size_t i = text.find(';');
  type = lower(trim(text.substr(0, i)));
  while (i != std::string_view::npos && i < text.size()) {
    ++i;  // past ';'
    const std::size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) {
      if (!trim(text.substr(i)).empty()) return false;
      break;
    }
    const std::string key = lower(trim(text.substr(i, eq - i)));
    std::size_t j = eq + 1;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    std::string value;
    if (j < text.size() && text[j] == '"') {
      ++j;
      bool closed = false;
      for (; j < text.size(); ++j) {
        if (text[j] == '\\' && j + 1 < text.size()) {
          value += text[++j];
        } else if (text[j] == '"') {
          closed = true;
          ++j;
          break;
        } else {
          value += text[j];
        }
      }
      if (!closed) return false;
      i = text.find(';', j);
      if (i != std::string_view::npos && !trim(text.substr(j, i - j)).empty()) {
        return false;
      }
      if (i == std::string_view::npos && !trim(text.substr(j)).empty()) {
        return false;
      }
    } else {
      i = text.find(';', j);
      value = std::string(trim(text.substr(
          j, i == std::string_view::npos ? std::string_view::npos : i - j)));
    }
    params.emplace_back(key, std::move(value));
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 5987 ext-value: charset'lang'percent-encoded.
std::optional<std::string> decode_ext_value(std::string_view v) {
  const std::size_t q1 = v.find('\'');
  if (q1 == std::string_view::npos) return std::nullopt;
  const std::size_t q2 = v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  const std::string charset = lower(v.substr(0, q1));
  std::string out;
  for (std::size_t i = q2 + 1; i < v.size(); ++i) {
    if (v[i] == '%') {
      if (i + 2 >= v.size()) return std::nullopt;
      const int hi = hex_value(v[i + 1]);
      const int lo = hex_value(v[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += v[i];
    }
  }
  if (charset == "iso-8859-1") return windows1252_to_utf8(out);
  if (charset != "utf-8" || !is_valid_utf8(out)) return std::nullopt;
  return out;
}

Result<MultipartPart> parse_part_header(std::string_view block) {
  MultipartPart part;
  bool disposition = false;
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::size_t eol = block.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = block.size();
    const std::string_view line = block.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') {
      return invalid_argument_error(
          "multipart: a part header uses obsolete line folding");
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return invalid_argument_error(
          "multipart: a part header line has no "
          "name: " +
          std::string(line.substr(0, 80)));
    }
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      if (disposition) {
        return invalid_argument_error(
            "multipart: a part has two Content-Disposition headers");
      }
      disposition = true;
      std::string type;
      std::vector<std::pair<std::string, std::string>> params;
      if (!parse_params(value, type, params)) {
        return invalid_argument_error(
            "multipart: a Content-Disposition is malformed: " +
            std::string(value.substr(0, 120)));
      }
      if (type != "form-data") {
        return invalid_argument_error(
            "multipart: a part's Content-Disposition is not form-data");
      }
      bool have_name = false;
      std::optional<std::string> extended;
      for (auto& [key, v] : params) {
        if (key == "name") {
          part.name = v;
          have_name = true;
        } else if (key == "filename") {
          part.filename = v;
        } else if (key == "filename*") {
          extended = decode_ext_value(v);
          if (!extended) {
            return invalid_argument_error(
                "multipart: a filename* is not UTF-8 percent-encoded: " +
                v.substr(0, 120));
          }
        }
      }
      if (extended) part.filename = std::move(extended);
      if (!have_name) {
        return invalid_argument_error(
            "multipart: a part's Content-Disposition has no name");
      }
    } else if (name == "content-type") {
      part.content_type = std::string(value);
    }
  }
  if (!disposition) {
    return invalid_argument_error(
        "multipart: a part has no Content-Disposition header");
  }
  return part;
}

using ReadFn = std::function<Result<std::size_t>(char*, std::size_t)>;

// A window over the body: bytes [start_, data_.size()) not yet consumed.
class Window {
 public:
  explicit Window(ReadFn read) : read_(std::move(read)) {}
  std::string_view view() const {
    return std::string_view(data_).substr(start_);
  }
  void consume(std::size_t n) {
    start_ += n;
    if (start_ > kReadBytes) {
      data_.erase(0, start_);
      start_ = 0;
    }
  }
  // Reads more; false at the end of the body.
  Result<bool> fill() {
    if (eof_) return false;
    const std::size_t old = data_.size();
    data_.resize(old + kReadBytes);
    auto n = read_(data_.data() + old, kReadBytes);
    if (!n.ok()) {
      data_.resize(old);
      return n.status();
    }
    data_.resize(old + *n);
    if (*n == 0) eof_ = true;
    return *n > 0;
  }

 private:
  ReadFn read_;
  std::string data_;
  std::size_t start_ = 0;
  bool eof_ = false;
};

Status run(const ReadFn& read, std::string_view boundary,
           const MultipartHandler& handler) {
  if (boundary.empty() || boundary.size() > 70) {
    return invalid_argument_error(
        "multipart: the boundary must be 1 to 70 "
        "characters");
  }
  // The body is read as if it began with CRLF, so every delimiter,
  // the first included, is CRLF "--" boundary.
  bool first = true;
  Window w([&](char* out, std::size_t cap) -> Result<std::size_t> {
    if (first) {
      first = false;
      out[0] = '\r';
      out[1] = '\n';
      IMAGEBANK_ASSIGN_OR_RETURN(std::size_t n, read(out + 2, cap - 2));
      return n + 2;
    }
    return read(out, cap);
  });
  const std::string delimiter = "\r\n--" + std::string(boundary);
  const std::boyer_moore_horspool_searcher searcher(delimiter.begin(),
                                                    delimiter.end());
  auto find_delimiter = [&](std::string_view v) {
    const auto it = std::search(v.begin(), v.end(), searcher);
    return it == v.end() ? std::string_view::npos
                         : static_cast<std::size_t>(it - v.begin());
  };
  const Status cut = invalid_argument_error(
      "multipart: the body ends before its closing boundary");

  // Preamble: up to the first delimiter.
  for (;;) {
    const std::size_t at = find_delimiter(w.view());
    if (at != std::string_view::npos) {
      w.consume(at + delimiter.size());
      break;
    }
    const std::size_t keep = std::min(w.view().size(), delimiter.size() - 1);
    w.consume(w.view().size() - keep);
    IMAGEBANK_ASSIGN_OR_RETURN(const bool more, w.fill());
    if (!more) {
      return invalid_argument_error(
          "multipart: the body holds no part with the boundary of its "
          "Content-Type");
    }
  }
  std::size_t parts = 0;
  for (;;) {
    // After a delimiter: "--" ends the body; else transport padding, CRLF.
    while (w.view().size() < 2) {
      IMAGEBANK_ASSIGN_OR_RETURN(const bool more, w.fill());
      if (!more) return cut;
    }
    if (w.view().starts_with("--")) {
      if (parts == 0) {
        return invalid_argument_error("multipart: the body has no part");
      }
      return {};
    }
    for (;;) {
      std::string_view v = w.view();
      std::size_t i = 0;
      while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
      if (i + 2 <= v.size()) {
        if (v.substr(i, 2) != "\r\n") {
          return invalid_argument_error(
              "multipart: a delimiter is not followed by a line end");
        }
        w.consume(i + 2);
        break;
      }
      if (i > 1024) {
        return invalid_argument_error(
            "multipart: a delimiter line is too long");
      }
      IMAGEBANK_ASSIGN_OR_RETURN(const bool more, w.fill());
      if (!more) return cut;
    }
    // The part's header block, up to an empty line.
    std::size_t header_end;
    for (;;) {
      const std::string_view v = w.view();
      if (v.starts_with("\r\n")) {
        header_end = 0;
        break;
      }
      header_end = v.find("\r\n\r\n");
      if (header_end != std::string_view::npos) {
        header_end += 2;
        break;
      }
      if (v.size() > kMaxPartHeader) {
        return invalid_argument_error(
            "multipart: a part's headers are larger than 16 KiB");
      }
      IMAGEBANK_ASSIGN_OR_RETURN(const bool more, w.fill());
      if (!more) return cut;
    }
    if (header_end > kMaxPartHeader) {
      return invalid_argument_error(
          "multipart: a part's headers are larger than 16 KiB");
    }
    IMAGEBANK_ASSIGN_OR_RETURN(
        const MultipartPart part,
        parse_part_header(w.view().substr(0, header_end)));
    w.consume(header_end + 2);
    ++parts;
    if (handler.begin) IMAGEBANK_RETURN_IF_ERROR(handler.begin(part));
    // The part's bytes, up to the next delimiter.
    for (;;) {
      const std::string_view v = w.view();
      const std::size_t at = find_delimiter(v);
      const std::size_t give =
          at != std::string_view::npos
              ? at
              : v.size() - std::min(v.size(), delimiter.size() - 1);
      if (give > 0 && handler.data) {
        IMAGEBANK_RETURN_IF_ERROR(handler.data(std::span<const std::byte>(
            reinterpret_cast<const std::byte*>(v.data()), give)));
      }
      if (at != std::string_view::npos) {
        w.consume(at + delimiter.size());
        break;
      }
      w.consume(give);
      IMAGEBANK_ASSIGN_OR_RETURN(const bool more, w.fill());
      if (!more) return cut;
    }
    if (handler.end) IMAGEBANK_RETURN_IF_ERROR(handler.end());
  }
}

}  // namespace

Result<std::string> multipart_boundary(std::string_view content_type) {
  std::string type;
  std::vector<std::pair<std::string, std::string>> params;
  if (!parse_params(content_type, type, params)) {
    return invalid_argument_error("the Content-Type is malformed");
  }
  if (type != "multipart/form-data") {
    return invalid_argument_error(
        "the body must be multipart/form-data, not \"" + type + "\"");
  }
  for (const auto& [key, value] : params) {
    if (key != "boundary") continue;
    if (value.empty() || value.size() > 70 || value.back() == ' ' ||
        !std::all_of(value.begin(), value.end(), is_boundary_char)) {
      return invalid_argument_error(
          "the multipart boundary must be 1 to 70 characters of RFC 2046");
    }
    return value;
  }
  return invalid_argument_error(
      "the multipart/form-data Content-Type has no boundary");
}

Status parse_multipart(const std::filesystem::path& file,
                       std::string_view boundary,
                       const MultipartHandler& handler) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return io_error(file.string() +
                    ": cannot be read: " + std::strerror(errno));
  }
  Status status = run(
      [fd, &file](char* out, std::size_t cap) -> Result<std::size_t> {
        for (;;) {
          const ssize_t n = ::read(fd, out, cap);
          if (n >= 0) return static_cast<std::size_t>(n);
          if (errno != EINTR) {
            return io_error(file.string() +
                            ": read failed: " + std::strerror(errno));
          }
        }
      },
      boundary, handler);
  ::close(fd);
  return status;
}

Status parse_multipart_bytes(std::string_view body, std::string_view boundary,
                             const MultipartHandler& handler) {
  std::size_t pos = 0;
  return run(
      [&](char* out, std::size_t cap) -> Result<std::size_t> {
        const std::size_t n = std::min(cap, body.size() - pos);
        std::memcpy(out, body.data() + pos, n);
        pos += n;
        return n;
      },
      boundary, handler);
}

}  // namespace imagebank::server
