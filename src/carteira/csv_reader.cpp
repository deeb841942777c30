#include "carteira/csv_reader.hpp"

#include <cstring>
#include <vector>

#include "carteira/text_decode.hpp"

namespace imagebank::carteira {
namespace {

class CsvParser {
 public:
  CsvParser(std::string_view text, char delimiter, const CsvTarget& out)
      : text_(text), delimiter_(delimiter), out_(out) {}

  Status parse() {
    std::int64_t record = 0;
    while (pos_ < text_.size()) {
      ++record;
      const std::int64_t first_line = line_;
      bool closed = true;
      IMAGEBANK_RETURN_IF_ERROR(read_record(closed));
      if (!closed) {
        out_.issue(
            record,
            "a quoted field opened on line " + std::to_string(first_line) +
                " is never closed; this row and the rest of the file were "
                "not read");
        return ok_status();
      }
      cells_.clear();
      for (std::size_t i = 0; i < fields_.size(); ++i) {
        const auto [start, length] = fields_[i];
        if (length == 0) continue;
        Cell cell;
        cell.column = static_cast<std::uint32_t>(i);
        cell.text = std::string_view(buffer_).substr(start, length);
        cells_.push_back(cell);
      }
      IMAGEBANK_RETURN_IF_ERROR(out_.rows.row(record, cells_));
    }
    return ok_status();
  }

 private:
  // One record into fields_/buffer_; `closed` false when the text ends
  // inside a quoted field.
  Status read_record(bool& closed) {
    buffer_.clear();
    fields_.clear();
    while (true) {
      const std::size_t start = buffer_.size();
      if (pos_ < text_.size() && text_[pos_] == '"') {
        ++pos_;
        const bool complete = read_quoted();
        // A huge field is refused before an unclosed quote is reported: a
        // quote that swallows a large file is the usual cause of both.
        IMAGEBANK_RETURN_IF_ERROR(check_field(start));
        if (!complete) {
          closed = false;
          return ok_status();
        }
      }
      read_plain();
      IMAGEBANK_RETURN_IF_ERROR(check_field(start));
      fields_.emplace_back(start, buffer_.size() - start);
      if (fields_.size() > out_.max_columns) {
        return limit_exceeded_error(std::string(out_.name) + ": line " +
                                    std::to_string(line_) + ": more than " +
                                    std::to_string(out_.max_columns) +
                                    " columns (the limit)");
      }
      if (pos_ >= text_.size()) return ok_status();
      const char c = text_[pos_];
      if (c == delimiter_) {
        ++pos_;
        continue;
      }
      // A line end: \r\n, \n or \r.
      ++pos_;
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return ok_status();
    }
  }

  // Inside quotes, up to and past the closing quote; false at the end of
  // the text without one.
  bool read_quoted() {
    while (true) {
      const char* at = static_cast<const char*>(
          std::memchr(text_.data() + pos_, '"', text_.size() - pos_));
      const std::size_t end = at == nullptr
                                  ? text_.size()
                                  : static_cast<std::size_t>(at - text_.data());
      append(pos_, end);
      if (at == nullptr) {
        pos_ = text_.size();
        return false;
      }
      pos_ = end + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        buffer_ += '"';
        ++pos_;
        continue;
      }
      return true;
    }
  }

  // Unquoted text (or what follows a closing quote) up to a delimiter or a
  // line end.
  void read_plain() {
    std::size_t end = pos_;
    while (end < text_.size()) {
      const char c = text_[end];
      if (c == delimiter_ || c == '\n' || c == '\r') break;
      ++end;
    }
    append(pos_, end);
    pos_ = end;
  }

  void append(std::size_t from, std::size_t to) {
    const std::string_view part = text_.substr(from, to - from);
    for (char c : part) {
      if (c == '\n') ++line_;
    }
    buffer_.append(part);
  }

  Status check_field(std::size_t start) const {
    if (buffer_.size() - start <= out_.max_cell_bytes) {
      return ok_status();
    }
    return limit_exceeded_error(
        std::string(out_.name) + ": line " + std::to_string(line_) +
        ": a field is longer than " + std::to_string(out_.max_cell_bytes) +
        " bytes (the limit; is a quote never closed?)");
  }

  std::string_view text_;
  char delimiter_;
  const CsvTarget& out_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
  std::string buffer_;
  std::vector<std::pair<std::size_t, std::size_t>> fields_;
  std::vector<Cell> cells_;
};

}  // namespace

Status read_csv(std::span<const std::byte> bytes, std::string sheet,
                CarteiraBuilder& builder) {
  IMAGEBANK_ASSIGN_OR_RETURN(DecodedText decoded,
                             decode_text(bytes, builder.name()));
  if (decoded.encoding != TextEncoding::kUtf8 &&
      decoded.encoding != TextEncoding::kUtf8Bom) {
    builder.file_issue(IssueSeverity::kInfo,
                       "text encoding " +
                           std::string(encoding_name(decoded.encoding)) +
                           (decoded.encoding == TextEncoding::kWindows1252
                                ? " (the file is not valid UTF-8)"
                                : ""));
  }
  const char delimiter = detect_delimiter(decoded.text());
  builder.wants_sheet(sheet);
  builder.begin_sheet(std::move(sheet));
  const CsvTarget out{builder, builder.name(), builder.limits().max_columns,
                      builder.limits().max_cell_bytes,
                      [&](std::int64_t row, std::string message) {
                        builder.issue(IssueSeverity::kError, row,
                                      std::move(message));
                      }};
  IMAGEBANK_RETURN_IF_ERROR(read_csv_records(decoded.text(), delimiter, out));
  builder.end_sheet();
  return ok_status();
}

Status read_csv_records(std::string_view text, char delimiter,
                        const CsvTarget& out) {
  CsvParser parser(text, delimiter, out);
  return parser.parse();
}

}  // namespace imagebank::carteira
