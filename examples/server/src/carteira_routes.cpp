// POST /api/v1/carteiras (scope upload): a Carteira de Compras (.xlsx,
// .xls, .csv/.tsv/.txt) as multipart/form-data with the fields `brand`,
// `collection` (both required; created when missing), `season` and
// `reconcile` (true by default: photos already in the bank without a
// product are linked to the new SKUs). The file is copied out of the
// spooled body under its own name (the import record names it) and
// imported in one transaction; the answer is the import record, every
// issue the reader found (row by row) and what reconcile linked.
#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <filesystem>
#include <map>

#include "api_routes.hpp"
#include "api_support.hpp"
#include "hashing_file_body.hpp"
#include "multipart.hpp"
#include "problem.hpp"

namespace imagebank::server {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::size_t kMaxFieldBytes = 4096;

// The base name a spreadsheet is kept under: its last path part, with a
// known extension; invalid_argument otherwise.
Result<std::string> spreadsheet_name(std::string_view raw) {
  std::string name(raw.substr(raw.find_last_of("/\\") == std::string_view::npos
                                  ? 0
                                  : raw.find_last_of("/\\") + 1));
  if (name.empty() || name == "." || name == ".." || name.size() > 255 ||
      name.find('\0') != std::string::npos) {
    return invalid_argument_error("the spreadsheet's file name is not usable");
  }
  std::string ext = fs::path(name).extension().string();
  for (char& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // .xlsb goes through so the reader can say what to do with it.
  if (ext != ".xlsx" && ext != ".xlsm" && ext != ".xlsb" && ext != ".xls" &&
      ext != ".ods" && ext != ".csv" && ext != ".tsv" && ext != ".txt") {
    return unsupported_format_error(
        name + ": a Carteira is an .xlsx, .ods, .xls, .csv, .tsv or .txt file");
  }
  return name;
}

json::object import_json(const CarteiraImportResult& r) {
  json::array sheets;
  for (const std::string& s : r.record.sheets) sheets.push_back(json::value(s));
  json::array issues;
  for (const CarteiraIssue& i : r.carteira.issues) {
    issues.push_back({{"sheet", i.sheet},
                      {"row", i.row},
                      {"severity", severity_name(i.severity)},
                      {"message", i.message}});
  }
  return {{"id", r.record.id},
          {"collection_id", r.record.collection_id},
          {"file", r.record.file},
          {"sheets", std::move(sheets)},
          {"rows", r.record.rows},
          {"products_created", r.record.products_created},
          {"products_updated", r.record.products_updated},
          {"imported_ms", r.record.imported_ms},
          {"issues", std::move(issues)}};
}

struct Upload {
  std::map<std::string, std::string> fields;
  fs::path dir;
  fs::path file;
  std::string filename;
  HashingFileBody::value_type body;
  bool in_file = false;
  bool in_field = false;
  std::string field_name;
  std::string field_value;
  Status error;
};

Result<Response> post_carteira(Request& request, Bank& bank, Auth& auth,
                               const fs::path& spool_dir,
                               std::atomic<std::uint64_t>& serial) {
  IMAGEBANK_ASSIGN_OR_RETURN(const ApiKeyRecord key,
                             auth.require(request, ApiScope::kUpload));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  const std::string* type = request.headers.find("Content-Type");
  IMAGEBANK_ASSIGN_OR_RETURN(const std::string boundary,
                             multipart_boundary(type ? *type : std::string()));
  const UploadedFile* spooled = request.file_body();
  if (spooled == nullptr) return invalid_argument_error("no body");

  Upload up;
  up.dir = spool_dir / ("carteira-" + std::to_string(serial++));
  std::error_code ec;
  fs::create_directories(up.dir, ec);
  if (ec) return io_error("cannot spool the Carteira: " + ec.message());
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } cleanup{up.dir};

  const std::uint64_t max_file = CarteiraLimits{}.max_file_bytes;
  MultipartHandler handler;
  handler.begin = [&](const MultipartPart& part) -> Status {
    if (part.filename) {
      if (!up.filename.empty()) {
        return invalid_argument_error("send one Carteira file per request");
      }
      if (part.name != "file") {
        return invalid_argument_error(
            "the spreadsheet goes in the part "
            "named \"file\", not \"" +
            part.name + "\"");
      }
      IMAGEBANK_ASSIGN_OR_RETURN(up.filename, spreadsheet_name(*part.filename));
      up.file = up.dir / up.filename;
      std::error_code e;
      if (!up.body.open(up.file, e)) {
        return io_error("cannot spool the Carteira: " + e.message());
      }
      up.in_file = true;
      return {};
    }
    if (up.fields.count(part.name) > 0) {
      return invalid_argument_error("the field \"" + part.name +
                                    "\" is given twice");
    }
    up.in_field = true;
    up.field_name = part.name;
    up.field_value.clear();
    return {};
  };
  handler.data = [&](std::span<const std::byte> data) -> Status {
    if (up.in_file) {
      if (up.body.size() + data.size() > max_file) {
        return limit_exceeded_error(up.filename + ": larger than " +
                                    std::to_string(max_file) + " bytes");
      }
      std::error_code e;
      if (!up.body.write(data.data(), data.size(), e)) {
        return io_error("cannot spool the Carteira: " + e.message());
      }
    } else if (up.in_field) {
      if (up.field_value.size() + data.size() > kMaxFieldBytes) {
        return invalid_argument_error("the field \"" + up.field_name +
                                      "\" is longer than 4 KiB");
      }
      up.field_value.append(reinterpret_cast<const char*>(data.data()),
                            data.size());
    }
    return {};
  };
  handler.end = [&]() -> Status {
    if (up.in_file) up.body.close();
    if (up.in_field) up.fields[up.field_name] = up.field_value;
    up.in_file = up.in_field = false;
    return {};
  };
  IMAGEBANK_RETURN_IF_ERROR(parse_multipart(spooled->path, boundary, handler));
  up.body.close();

  for (const auto& [name, value] : up.fields) {
    if (name != "brand" && name != "collection" && name != "season" &&
        name != "reconcile") {
      return invalid_argument_error("unknown field \"" + name +
                                    "\" (brand, collection, season, "
                                    "reconcile)");
    }
  }
  if (up.filename.empty()) {
    return invalid_argument_error(
        "no spreadsheet: send it in a part named \"file\" with a filename");
  }
  CarteiraImportOptions options;
  options.brand = up.fields["brand"];
  options.collection = up.fields["collection"];
  options.season = up.fields["season"];
  if (options.brand.empty() || options.collection.empty()) {
    return invalid_argument_error(
        "the fields \"brand\" and \"collection\" are required");
  }
  bool reconcile = true;
  if (auto it = up.fields.find("reconcile"); it != up.fields.end()) {
    IMAGEBANK_ASSIGN_OR_RETURN(reconcile,
                               parse_query_bool(it->second, "reconcile"));
  }
  options.actor = "api:" + key.name;
  IMAGEBANK_ASSIGN_OR_RETURN(CarteiraImportResult result,
                             bank.import_carteira(up.file, options));
  json::object body{{"import", import_json(result)}};
  if (reconcile) {
    IMAGEBANK_ASSIGN_OR_RETURN(ReconcileReport linked,
                               bank.reconcile(options.collection));
    body["reconcile"] =
        json::object{{"examined", linked.examined},
                     {"linked", linked.linked},
                     {"still_unmatched", linked.still_unmatched}};
  } else {
    body["reconcile"] = nullptr;
  }
  return json_response(201, body);
}

}  // namespace

Status add_carteira_routes(Router& router, Bank& bank, Auth& auth,
                           const std::filesystem::path& spool_dir) {
  static std::atomic<std::uint64_t> serial{0};
  RouteOptions options = file_body(64ull << 20);
  options.before_body = [&auth](Request& r) -> std::optional<Response> {
    Status st = auth.require(r, ApiScope::kUpload).status();
    if (st.ok()) return std::nullopt;
    return problem_response(st);
  };
  return router.add(
      "POST", "/api/v1/carteiras",
      [&bank, &auth, spool_dir](Request& r) {
        return post_carteira(r, bank, auth, spool_dir, serial);
      },
      options);
}

}  // namespace imagebank::server
