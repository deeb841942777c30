// Reading lists of image URLs (url_list.hpp).
#include "imagebank/ingest/url_list.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "imagebank/carteira/text_table.hpp"
#include "imagebank/core/file.hpp"
#include "imagebank/ingest/ingest.hpp"

namespace imagebank {
namespace {

constexpr std::size_t kMaxUrl = 2048;
constexpr std::size_t kMaxSku = 64;
constexpr std::int64_t kHeaderSearchRows = 20;

constexpr std::array kUrlHeaders = {
    "url",          "urldaimagem", "urlimagem", "urldafoto", "link",
    "linkdaimagem", "imagem",      "foto",      "image",     "imageurl",
    "photo",        "photourl",    "href",      "src"};
constexpr std::array kSkuHeaders = {"sku",       "referencia",  "ref",
                                    "codigo",    "codproduto",  "codigoproduto",
                                    "reference", "productcode", "skubase"};
constexpr std::array kNameHeaders = {"nome",       "arquivo",  "nomedoarquivo",
                                     "name",       "filename", "file",
                                     "nomearquivo"};

template <std::size_t N>
bool among(const std::array<const char*, N>& names, const std::string& key) {
  return std::any_of(names.begin(), names.end(),
                     [&](const char* n) { return key == n; });
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

bool starts_with_http(std::string_view url) {
  std::string head(url.substr(0, 8));
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return head.starts_with("http://") || head.starts_with("https://");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The last segment of the URL's path, percent-decoded.
std::string name_from_url(std::string_view url) {
  std::string_view rest = url.substr(url.find("://") + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return {};
  std::string_view path = rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const std::string_view last = path.substr(path.rfind('/') + 1);
  std::string out;
  for (std::size_t i = 0; i < last.size(); ++i) {
    if (last[i] == '%' && i + 2 < last.size() && hex_value(last[i + 1]) >= 0 &&
        hex_value(last[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(last[i + 1]) * 16 +
                               hex_value(last[i + 2]));
      i += 2;
    } else {
      out += last[i];
    }
  }
  return out;
}

struct Columns {
  std::optional<std::size_t> url, sku, name;
};

std::string cell(const TextTableRow& row, std::optional<std::size_t> col) {
  if (!col || *col >= row.cells.size()) return {};
  return row.cells[*col];
}

}  // namespace

Result<UrlRow> check_url_row(UrlRow row) {
  row.url = trim(row.url);
  if (row.url.empty()) return invalid_argument_error("no URL");
  if (row.url.size() > kMaxUrl) {
    return invalid_argument_error("the URL is longer than " +
                                  std::to_string(kMaxUrl) + " bytes");
  }
  for (char c : row.url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return invalid_argument_error("the URL holds a control character");
    }
  }
  if (!starts_with_http(row.url)) {
    std::string message = "\"";
    message += row.url.substr(0, 100);
    message += "\" is not an http or https URL";
    return invalid_argument_error(std::move(message));
  }
  row.sku = trim(row.sku);
  if (row.sku.size() > kMaxSku) {
    return invalid_argument_error("the SKU is longer than " +
                                  std::to_string(kMaxSku) + " bytes");
  }
  for (char c : row.sku) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return invalid_argument_error("the SKU holds a control character");
    }
  }
  row.name = trim(row.name);
  if (row.name.empty()) row.name = name_from_url(row.url);
  if (row.name.empty()) row.name = "image";
  Result<std::string> name = normalize_upload_name(row.name);
  if (!name.ok()) {
    return invalid_argument_error("the name: " + name.status().message());
  }
  row.name = *name;
  return row;
}

Result<UrlList> read_url_list(std::span<const std::byte> bytes,
                              std::string_view name) {
  IMAGEBANK_ASSIGN_OR_RETURN(TextTable table, read_text_table(bytes, name));
  UrlList out;
  // The header row: the first of the first rows naming a URL column.
  Columns cols;
  std::size_t first_data = 0;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    if (table.rows[i].number > kHeaderSearchRows) break;
    const TextTableRow& row = table.rows[i];
    Columns found;
    for (std::size_t c = 0; c < row.cells.size(); ++c) {
      const std::string key = fold_header(row.cells[c]);
      if (key.empty()) continue;
      if (!found.url && among(kUrlHeaders, key))
        found.url = c;
      else if (!found.sku && among(kSkuHeaders, key))
        found.sku = c;
      else if (!found.name && among(kNameHeaders, key))
        found.name = c;
    }
    if (found.url) {
      cols = found;
      first_data = i + 1;
      out.url_header = row.cells[*cols.url];
      if (cols.sku) out.sku_header = row.cells[*cols.sku];
      if (cols.name) out.name_header = row.cells[*cols.name];
      break;
    }
  }
  if (!cols.url) cols = Columns{0, 1, 2};
  std::set<std::string> seen;
  for (std::size_t i = first_data; i < table.rows.size(); ++i) {
    const TextTableRow& row = table.rows[i];
    UrlRow r{cell(row, cols.url), cell(row, cols.sku), cell(row, cols.name),
             row.number};
    const auto problem = [&](std::string_view why) {
      std::string message(name);
      message += ": row ";
      message += std::to_string(row.number);
      message += ": ";
      message += why;
      message += "; skipped";
      out.problems.push_back(std::move(message));
    };
    Result<UrlRow> checked = check_url_row(std::move(r));
    if (!checked.ok()) {
      problem(checked.status().message());
      continue;
    }
    if (!seen.insert(checked->url).second) {
      problem("the same URL as an earlier row");
      continue;
    }
    out.rows.push_back(std::move(*checked));
  }
  if (!table.problem.empty()) out.problems.push_back(table.problem);
  if (out.rows.empty()) {
    std::string message(name);
    message += ": no row holds an http or https URL";
    if (!out.problems.empty()) message += " (" + out.problems.front() + ")";
    return invalid_argument_error(std::move(message));
  }
  return out;
}

Result<UrlList> read_url_list(const std::filesystem::path& path) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::byte> bytes,
                             read_file(path, 64ull << 20));
  return read_url_list(bytes, path.string());
}

}  // namespace imagebank
