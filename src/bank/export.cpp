// export_catalog: resolves the scope, decides the columns, then reads the
// catalog a page of products at a time (query_products, the page's images,
// their newest analyses) and hands each row to the format's writer. Nothing
// outlives its page, so memory stays flat however large the catalog.
#include "imagebank/bank/export.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "bank/export_internal.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/core/file.hpp"
#include "imagebank/serve/signed_url.hpp"

namespace imagebank {

using export_detail::Column;
using export_detail::ExportWriter;

std::string_view export_format_name(ExportFormat format) noexcept {
  switch (format) {
    case ExportFormat::kCsv:
      return "csv";
    case ExportFormat::kXlsx:
      return "xlsx";
    case ExportFormat::kJsonl:
      return "jsonl";
  }
  return "csv";
}

Result<ExportFormat> parse_export_format(std::string_view name) {
  for (ExportFormat f :
       {ExportFormat::kCsv, ExportFormat::kXlsx, ExportFormat::kJsonl}) {
    if (name == export_format_name(f)) return f;
  }
  return invalid_argument_error("export format '" + std::string(name) +
                                "' is not csv, xlsx or jsonl");
}

std::string_view export_mime_type(ExportFormat format) noexcept {
  switch (format) {
    case ExportFormat::kCsv:
      return "text/csv; charset=utf-8";
    case ExportFormat::kXlsx:
      return "application/"
             "vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case ExportFormat::kJsonl:
      return "application/x-ndjson";
  }
  return "application/octet-stream";
}

using export_detail::all_columns;
using export_detail::Cell;
using export_detail::ColumnDef;
using export_detail::ExportRow;
using export_detail::join;
using export_detail::view_label;

namespace {

using Clock = std::chrono::steady_clock;

Status check_url_base(std::string_view base) {
  if (base.empty()) return Status();
  if (base.size() > 2048) {
    return invalid_argument_error("url_base: longer than 2048 characters");
  }
  if (!base.starts_with("http://") && !base.starts_with("https://")) {
    return invalid_argument_error("url_base '" + std::string(base) +
                                  "': must start with http:// or https://");
  }
  for (char c : base) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '?' || c == '#' || c == '"' ||
        c == '<' || c == '>' || c == '\\') {
      return invalid_argument_error(
          "url_base '" + std::string(base) +
          "': no query, fragment, spaces or non-ASCII characters");
    }
  }
  return Status();
}

Status check_name(std::string_view what, std::string_view value) {
  if (value.empty() || value.size() > 64) {
    return invalid_argument_error(std::string(what) + ": 1..64 characters");
  }
  for (char c : value) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
          c == '-') ||
        static_cast<unsigned char>(c) >= 0x80) {
      return invalid_argument_error(std::string(what) + " '" +
                                    std::string(value) +
                                    "': only letters, digits, '_' and '-'");
    }
  }
  return Status();
}

std::string iso_time(std::int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Everything one export needs between pages.
class Exporter {
 public:
  Exporter(CatalogStore& catalog, const ExportOptions& options)
      : catalog_(catalog), options_(options) {}

  Status check() {
    IMAGEBANK_RETURN_IF_ERROR(validate());
    return resolve_scope();
  }

  Result<ExportReport> run(const ExportSink& sink) {
    const Clock::time_point start = Clock::now();
    IMAGEBANK_RETURN_IF_ERROR(check());
    IMAGEBANK_ASSIGN_OR_RETURN(PhotoViews seen,
                               catalog_.photo_views(collection_id_, brand_id_));
    analysed_ = seen.analysed;
    IMAGEBANK_RETURN_IF_ERROR(choose_columns(seen.views));

    std::unique_ptr<ExportWriter> writer;
    switch (options_.format) {
      case ExportFormat::kCsv:
        writer = export_detail::make_csv_writer(sink, options_.csv_delimiter,
                                                options_.csv_bom);
        break;
      case ExportFormat::kJsonl:
        writer = export_detail::make_jsonl_writer(sink);
        break;
      case ExportFormat::kXlsx: {
        IMAGEBANK_ASSIGN_OR_RETURN(
            writer, export_detail::make_xlsx_writer(sink, options_.temp_dir));
        break;
      }
    }
    std::vector<Column> header;
    for (const ColumnDef* c : selected_) header.push_back(c->column);
    IMAGEBANK_RETURN_IF_ERROR(writer->begin(header));

    ExportReport report;
    report.format = options_.format;
    for (const Column& c : header) report.columns.push_back(c.name);
    ProductQuery query;
    query.collection_id = collection_id_;
    query.brand_id = brand_id_;
    query.limit = options_.page_size;
    ExportProgress progress;
    std::vector<Cell> cells;
    while (true) {
      if (options_.stop != nullptr && options_.stop->load()) {
        return unavailable_error("export stopped after " +
                                 std::to_string(report.products) + " products");
      }
      IMAGEBANK_ASSIGN_OR_RETURN(Page<ProductSummary> page,
                                 catalog_.query_products(query));
      IMAGEBANK_RETURN_IF_ERROR(write_page(page.items, *writer, cells, report));
      progress.products = report.products;
      progress.images = report.images;
      progress.elapsed_seconds =
          std::chrono::duration<double>(Clock::now() - start).count();
      if (options_.progress) options_.progress(progress);
      if (page.next_after == 0) break;
      query.after_id = page.next_after;
    }
    IMAGEBANK_RETURN_IF_ERROR(writer->finish(parameters(report)));
    report.bytes = writer->bytes();
    report.elapsed_seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    return report;
  }

 private:
  Status validate() {
    const ExportOptions& o = options_;
    if (o.page_size == 0 || o.page_size > 10000) {
      return invalid_argument_error("page_size: must be 1..10000, not " +
                                    std::to_string(o.page_size));
    }
    if (o.csv_delimiter != ',' && o.csv_delimiter != ';' &&
        o.csv_delimiter != '\t') {
      return invalid_argument_error("csv_delimiter: must be ',', ';' or a tab");
    }
    IMAGEBANK_RETURN_IF_ERROR(check_url_base(o.url_base));
    IMAGEBANK_RETURN_IF_ERROR(check_name("url_size", o.url_size));
    if (!o.signing_keys.empty()) {
      IMAGEBANK_ASSIGN_OR_RETURN(UrlSigner signer,
                                 UrlSigner::create(o.signing_keys));
      signer_.emplace(std::move(signer));
      const std::int64_t now =
          std::chrono::duration_cast<std::chrono::seconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count();
      if (o.url_expires_unix_s <= now) {
        return invalid_argument_error(
            "url_expires_unix_s: signed URLs need an expiry in the future");
      }
    }
    required_ =
        o.required_views.empty() ? default_required_views() : o.required_views;
    for (const std::string& v : required_) {
      IMAGEBANK_RETURN_IF_ERROR(check_name("required view", v));
    }
    return Status();
  }

  Status resolve_scope() {
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Brand> brands, catalog_.brands());
    for (const Brand& b : brands) brand_names_[b.id] = b.name;
    if (options_.brand) {
      for (const Brand& b : brands) {
        if (b.name == *options_.brand) brand_id_ = b.id;
      }
      if (!brand_id_) {
        return not_found_error("brand '" + *options_.brand +
                               "' is not in the catalog");
      }
    }
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Collection> collections,
                               catalog_.collections());
    for (const Collection& c : collections) collections_[c.id] = c;
    if (options_.collection) {
      if (brand_id_) {
        for (const Collection& c : collections) {
          if (c.brand_id == *brand_id_ && c.name == *options_.collection) {
            collection_id_ = c.id;
          }
        }
        if (!collection_id_) {
          return not_found_error("collection '" + *options_.collection +
                                 "' of brand '" + *options_.brand +
                                 "' is not in the catalog");
        }
      } else {
        IMAGEBANK_ASSIGN_OR_RETURN(
            Collection c, catalog_.find_collection(*options_.collection));
        collection_id_ = c.id;
      }
    }
    return Status();
  }

  Status choose_columns(const std::vector<std::string>& seen) {
    // Required views first (in their order), then the others by name,
    // photos without a view last.
    std::vector<std::string> keys;
    for (const std::string& v : required_) keys.push_back(view_label(v));
    std::vector<std::string> others;
    bool none = false;
    for (const std::string& v : seen) {
      if (v.empty()) {
        none = true;
      } else if (std::find(required_.begin(), required_.end(), v) ==
                 required_.end()) {
        others.push_back(view_label(v));
      }
    }
    std::sort(others.begin(), others.end());
    keys.insert(keys.end(), others.begin(), others.end());
    if (none) keys.push_back(view_label(""));
    std::vector<std::string> unique;
    for (std::string& k : keys) {
      if (std::find(unique.begin(), unique.end(), k) == unique.end()) {
        unique.push_back(std::move(k));
      }
    }
    columns_ = all_columns(unique, analysed_);
    if (options_.columns.empty()) {
      for (const ColumnDef& c : columns_) selected_.push_back(&c);
      return Status();
    }
    std::set<std::string_view> taken;
    for (const std::string& name : options_.columns) {
      const auto it = std::find_if(
          columns_.begin(), columns_.end(),
          [&](const ColumnDef& c) { return c.column.name == name; });
      if (it == columns_.end()) {
        return invalid_argument_error(
            "columns: '" + name +
            "' is not a column of this export (see imagebank/bank/export.hpp)");
      }
      if (!taken.insert(name).second) {
        return invalid_argument_error("columns: '" + name + "' named twice");
      }
      selected_.push_back(&*it);
    }
    return Status();
  }

  Result<std::string> url_of(RowId image_id) const {
    std::string target =
        "/images/" + std::to_string(image_id) + "?size=" + options_.url_size;
    if (signer_) {
      IMAGEBANK_ASSIGN_OR_RETURN(
          target, signer_->sign(target, options_.url_expires_unix_s));
    }
    std::string_view base = options_.url_base;
    while (base.ends_with('/')) base.remove_suffix(1);
    return std::string(base) + target;
  }

  // Where a view sorts for the cover: the required views in order, then
  // the others by name, then none.
  std::pair<std::size_t, std::string_view> view_rank(
      std::string_view view) const {
    const auto it = std::find(required_.begin(), required_.end(), view);
    if (it != required_.end()) {
      return {static_cast<std::size_t>(it - required_.begin()), {}};
    }
    return {view.empty() ? required_.size() + 1 : required_.size(), view};
  }

  Status write_page(const std::vector<ProductSummary>& products,
                    ExportWriter& writer, std::vector<Cell>& cells,
                    ExportReport& report) {
    if (products.empty()) return Status();
    std::vector<RowId> ids;
    ids.reserve(products.size());
    for (const ProductSummary& p : products) ids.push_back(p.product.id);
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<ImageRecord> images,
                               catalog_.images_of_products(ids));
    std::map<RowId, AiAnalysis> analyses;
    if (analysed_ && !images.empty()) {
      std::vector<RowId> photo_ids;
      for (const ImageRecord& i : images) {
        if (i.status != ImageStatus::kRejected) photo_ids.push_back(i.id);
      }
      for (std::size_t at = 0; at < photo_ids.size(); at += 10000) {
        const std::size_t n =
            std::min<std::size_t>(10000, photo_ids.size() - at);
        IMAGEBANK_ASSIGN_OR_RETURN(
            std::vector<AiAnalysis> found,
            catalog_.latest_ai_analyses(
                std::span<const RowId>(photo_ids).subspan(at, n)));
        for (AiAnalysis& a : found) analyses[a.image_id] = std::move(a);
      }
    }
    std::size_t next = 0;  // images are sorted by product id
    for (const ProductSummary& p : products) {
      ExportRow row;
      row.summary = &p;
      const auto c = collections_.find(p.product.collection_id);
      if (c != collections_.end()) {
        row.collection = c->second.name;
        const auto b = brand_names_.find(c->second.brand_id);
        if (b != brand_names_.end()) row.brand = b->second;
      }
      while (next < images.size() &&
             images[next].product_id.value_or(0) < p.product.id) {
        ++next;
      }
      for (; next < images.size() &&
             images[next].product_id.value_or(0) == p.product.id;
           ++next) {
        const ImageRecord& image = images[next];
        row.images.push_back(&image);
        ++row.statuses[static_cast<std::size_t>(image.status)];
        if (image.status != ImageStatus::kRejected)
          row.photos.push_back(&image);
      }
      // Cover order; among all images, the rejected ones last.
      auto cover_order = [&](const ImageRecord* a, const ImageRecord* b) {
        const bool ra_rejected = a->status == ImageStatus::kRejected,
                   rb_rejected = b->status == ImageStatus::kRejected;
        if (ra_rejected != rb_rejected) return rb_rejected;
        const auto ra = view_rank(a->view), rb = view_rank(b->view);
        if (ra != rb) return ra < rb;
        if (a->sequence != b->sequence) return a->sequence < b->sequence;
        return a->id < b->id;
      };
      std::sort(row.photos.begin(), row.photos.end(), cover_order);
      std::sort(row.images.begin(), row.images.end(), cover_order);
      for (const ImageRecord* i : row.images) {
        IMAGEBANK_ASSIGN_OR_RETURN(std::string url, url_of(i->id));
        row.image_urls.push_back(std::move(url));
      }
      for (const ImageRecord* i : row.photos) {
        IMAGEBANK_ASSIGN_OR_RETURN(std::string url, url_of(i->id));
        row.photo_urls.push_back(std::move(url));
        if (row.ai == nullptr) {
          const auto a = analyses.find(i->id);
          if (a != analyses.end()) row.ai = &a->second;
        }
      }
      for (const ViewPhotos& v : p.views) {
        row.views.emplace_back(view_label(v.view), v.photos);
      }
      for (const std::string& v : required_) {
        const bool has = std::any_of(
            p.views.begin(), p.views.end(),
            [&](const ViewPhotos& s) { return s.view == v && s.photos > 0; });
        if (!has) row.missing_views.push_back(view_label(v));
      }
      row.coverage = p.photos == 0               ? "sem foto"
                     : row.missing_views.empty() ? "completa"
                                                 : "incompleta";
      cells.clear();
      for (const ColumnDef* c : selected_) cells.push_back(c->cell(row));
      IMAGEBANK_RETURN_IF_ERROR(writer.row(row, cells));
      ++report.products;
      report.images += static_cast<std::int64_t>(row.images.size());
      if (row.ai != nullptr) ++report.analysed;
    }
    return Status();
  }

  std::vector<std::string> required_labels() const {
    std::vector<std::string> out;
    for (const std::string& v : required_) out.push_back(view_label(v));
    return out;
  }

  std::vector<std::pair<std::string, std::string>> parameters(
      const ExportReport& report) const {
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count();
    std::vector<std::pair<std::string, std::string>> out = {
        {"formato", std::string(export_format_name(options_.format))},
        {"marca", options_.brand.value_or("(todas)")},
        {"coleção", options_.collection.value_or("(todas)")},
        {"gerado em", iso_time(now)},
        {"produtos", std::to_string(report.products)},
        {"imagens", std::to_string(report.images)},
        {"produtos com análise de IA", std::to_string(report.analysed)},
        {"vistas exigidas", join(required_labels(), ", ")},
        {"base das URLs", options_.url_base.empty() ? "(caminhos relativos)"
                                                    : options_.url_base},
        {"tamanho das imagens", options_.url_size},
        {"URLs assinadas", signer_ ? "sim" : "não"},
    };
    if (signer_) {
      out.emplace_back("URLs expiram em",
                       iso_time(options_.url_expires_unix_s));
    }
    out.emplace_back("catálogo", catalog_.uri());
    return out;
  }

  CatalogStore& catalog_;
  const ExportOptions& options_;
  std::optional<UrlSigner> signer_;
  std::vector<std::string> required_;
  std::optional<RowId> brand_id_;
  std::optional<RowId> collection_id_;
  std::map<RowId, std::string> brand_names_;
  std::map<RowId, Collection> collections_;
  bool analysed_ = false;
  std::vector<ColumnDef> columns_;
  std::vector<const ColumnDef*> selected_;
};

}  // namespace

Result<ExportReport> export_catalog(CatalogStore& catalog,
                                    const ExportOptions& options,
                                    const ExportSink& sink) {
  if (!sink) return invalid_argument_error("export_catalog: no sink");
  return Exporter(catalog, options).run(sink);
}

Status validate_export(CatalogStore& catalog, const ExportOptions& options) {
  return Exporter(catalog, options).check();
}

Result<ExportReport> export_catalog(CatalogStore& catalog,
                                    const ExportOptions& options,
                                    const std::filesystem::path& file) {
  if (file.empty() || !file.has_filename()) {
    return invalid_argument_error("export file '" + file.string() +
                                  "': not a file name");
  }
  std::filesystem::path part = file;
  part += ".part";
  IMAGEBANK_ASSIGN_OR_RETURN(
      UniqueFd fd, open_file(part, O_WRONLY | O_CREAT | O_TRUNC, 0644));
  Result<ExportReport> report =
      export_catalog(catalog, options, [&](std::string_view chunk) -> Status {
        return write_all(fd.get(), std::as_bytes(std::span(chunk)),
                         part.string());
      });
  Status closed;
  if (report.ok() && ::fsync(fd.get()) != 0) {
    closed =
        io_error("export file '" + part.string() + "': " + errno_text(errno));
  }
  fd.reset();
  if (report.ok() && closed.ok()) {
    std::error_code ec;
    std::filesystem::rename(part, file, ec);
    if (!ec) return report;
    closed = io_error("export file '" + file.string() + "': " + ec.message());
  }
  std::error_code ignored;
  std::filesystem::remove(part, ignored);
  if (!report.ok()) return report.status();
  return closed;
}

}  // namespace imagebank
