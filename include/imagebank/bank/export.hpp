// Catalog exports: one row per product (its Carteira fields, photo counts
// per view, coverage of the required views, image counts per status, the AI
// attributes of its photos when they were analysed, and image URLs) as CSV,
// XLSX or JSON Lines, streamed page by page so the memory an export takes
// does not grow with the catalog.
//
// JSON Lines: one object per product with the same facts nested (carteira,
// extra, fotos_por_vista, imagens_por_status, imagens with their URLs, ia
// only when analysed); `columns` selects CSV and XLSX columns only.
//
// Columns (pt-BR, as the reports and the web app name things):
//   sku, sku_base, marca_catalogo, colecao_catalogo (where the catalog keeps
//   the product), the Carteira's fields (kCarteiraFieldTable, by name),
//   fotos, fotos_<view> for the required views and every view the scope's
//   photos show ("fotos_frente", "fotos_sem_vista"), cobertura ("completa",
//   "incompleta", "sem foto"), vistas_faltando, imagens,
//   imagens_pendentes, imagens_aguardando_ia, imagens_aprovadas,
//   imagens_rejeitadas, url_capa, urls; then, only when a photo of the scope
//   has a successful analysis, the ia_ columns (ia_tipo_peca, ia_cor,
//   ia_cores, ia_material, ia_estilo, ia_descricao, ia_tags, ia_confianca,
//   ia_provedor, ia_modelo, ia_imagem), kept apart from the Carteira's.
// "A photo" follows coverage(): linked to the product and not rejected.
// The cover is the first photo in the order of the required views, then
// the other views by name, sequence and id; the AI columns are the newest
// successful whole-photo analysis of the first analysed photo in that order.
//
// Rows come in product id order (keyset pages of query_products). A CSV
// cell starting with = + - @ TAB or CR gets a leading apostrophe so a
// spreadsheet never runs it as a formula (the XLSX writes text cells as
// text, which no spreadsheet evaluates, and numbers as numbers).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"
#include "imagebank/serve/signed_url.hpp"

namespace imagebank {

enum class ExportFormat : int { kCsv = 0, kXlsx, kJsonl };

// "csv", "xlsx", "jsonl".
std::string_view export_format_name(ExportFormat format) noexcept;
// invalid_argument naming the text for anything else.
Result<ExportFormat> parse_export_format(std::string_view name);
// "text/csv; charset=utf-8", the XLSX MIME type, "application/x-ndjson".
std::string_view export_mime_type(ExportFormat format) noexcept;

struct ExportProgress {
  std::int64_t products = 0;  // rows written so far
  std::int64_t images = 0;    // images of those rows
  double elapsed_seconds = 0;
};

struct ExportOptions {
  ExportFormat format = ExportFormat::kCsv;
  // Scope by name (unset = all); both combine with AND. not_found for an
  // unknown name, conflict for a collection name two brands share (name
  // the brand too).
  std::optional<std::string> collection;
  std::optional<std::string> brand;
  // Image URLs: url_base + "/images/<id>?size=<url_size>" (the server's
  // image route). With signing_keys the target is signed by UrlSigner
  // (the first key signs) and expires at url_expires_unix_s (required then,
  // and in the future). url_base: "" (paths only) or an http(s) origin
  // with an optional path prefix, no query or fragment.
  std::string url_base;
  std::string url_size = "original";  // "original" or a preset's name
  std::vector<SigningKey> signing_keys;
  std::int64_t url_expires_unix_s = 0;
  // The views every product should have (coverage columns); canonical
  // names of the filename grammar. Empty = default_required_views().
  std::vector<std::string> required_views;
  // Only these columns, in this order (names as above); empty = all.
  // invalid_argument names an unknown one.
  std::vector<std::string> columns;
  // CSV: ',' (RFC 4180), ';' (what Excel in Brazil expects) or '\t'; a
  // UTF-8 byte order mark first makes Excel read the accents right.
  char csv_delimiter = ',';
  bool csv_bom = false;
  // Products per page read from the catalog (1..10000).
  std::size_t page_size = 500;
  // Called after each page (from the calling thread) and once at the end.
  std::function<void(const ExportProgress&)> progress;
  // Set to true (from any thread) to stop after the page in hand: the
  // export ends with `unavailable` ("stopped") and the sink holds a
  // partial file.
  const std::atomic<bool>* stop = nullptr;
  // Where the XLSX writer keeps its row files; empty = the system's
  // temporary directory.
  std::filesystem::path temp_dir;
};

struct ExportReport {
  ExportFormat format = ExportFormat::kCsv;
  std::int64_t products = 0;
  std::int64_t images = 0;           // every image of the exported products
  std::int64_t analysed = 0;         // products with AI columns filled
  std::int64_t bytes = 0;            // written to the sink
  std::vector<std::string> columns;  // the header (CSV/XLSX) or keys
  double elapsed_seconds = 0;
};

// Receives the export in chunks, in order. A non-OK status stops the
// export and is returned.
using ExportSink = std::function<Status(std::string_view chunk)>;

// Exports the scope of `options` to `sink`. Errors: invalid_argument for a
// bad option (each names the option and the reason), not_found/conflict for
// the scope's names, unavailable when stopped, the catalog's or the sink's
// error otherwise (the sink may then hold a partial file).
Result<ExportReport> export_catalog(CatalogStore& catalog,
                                    const ExportOptions& options,
                                    const ExportSink& sink);
// Checks what export_catalog would check before writing its first byte
// (the options, and the scope's names against the catalog) and writes
// nothing: for a front end that must answer an error before it starts a
// streamed response.
Status validate_export(CatalogStore& catalog, const ExportOptions& options);
// The same into a file, written whole or not at all (a temporary file next
// to it, renamed at the end).
Result<ExportReport> export_catalog(CatalogStore& catalog,
                                    const ExportOptions& options,
                                    const std::filesystem::path& file);

}  // namespace imagebank
