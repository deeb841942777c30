// The domain model of an image bank: brands, collections, products (from the
// Carteira de Compras), images and their variants, AI analyses kept apart
// from the Carteira's fields, the SKU audit trail and imports. The ingest
// queue's batches and jobs are in jobs.hpp.
//
// Plain values: they carry no behaviour and no connection to a store. Ids are
// assigned by the CatalogStore (0 = not stored yet). Times are milliseconds
// since the Unix epoch, UTC.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"

namespace imagebank {

using RowId = std::int64_t;

struct Brand {
  RowId id = 0;
  std::string name;
  std::int64_t created_ms = 0;
  friend bool operator==(const Brand&, const Brand&) = default;
};

// A season's collection of one brand ("Verão 2027").
struct Collection {
  RowId id = 0;
  RowId brand_id = 0;
  std::string name;
  std::string season;  // free text; may be empty
  std::int64_t created_ms = 0;
  friend bool operator==(const Collection&, const Collection&) = default;
};

// The Carteira's fields of a product, as text exactly as imported (numbers
// in their shortest exact form, dates yyyy-mm-dd). Empty = not given.
struct CarteiraFields {
  std::string nome_peca;
  std::string categoria;
  std::string subcategoria;
  std::string tipo_peca;
  std::string origem;
  std::string marca;
  std::string colecao;
  std::string cor;
  std::string tamanho;
  std::string quantidade;
  std::string preco_custo;
  std::string preco_venda;
  std::string fornecedor;
  std::string data_entrega;
  friend bool operator==(const CarteiraFields&,
                         const CarteiraFields&) = default;
};

// The one list of the Carteira fields a product keeps: name <-> member, in
// the Carteira's canonical order (imagebank/carteira/fields.hpp, after
// "sku"). The name is also the SQL column and the report column. Everything
// that handles the fields one by one iterates this table, so a new field is
// a member above, a row here and a schema migration adding its column.
struct CarteiraFieldMember {
  std::string_view name;
  std::string CarteiraFields::*member;
};
inline constexpr auto kCarteiraFieldTable = std::to_array<CarteiraFieldMember>({
    {"nome_peca", &CarteiraFields::nome_peca},
    {"categoria", &CarteiraFields::categoria},
    {"subcategoria", &CarteiraFields::subcategoria},
    {"tipo_peca", &CarteiraFields::tipo_peca},
    {"origem", &CarteiraFields::origem},
    {"marca", &CarteiraFields::marca},
    {"colecao", &CarteiraFields::colecao},
    {"cor", &CarteiraFields::cor},
    {"tamanho", &CarteiraFields::tamanho},
    {"quantidade", &CarteiraFields::quantidade},
    {"preco_custo", &CarteiraFields::preco_custo},
    {"preco_venda", &CarteiraFields::preco_venda},
    {"fornecedor", &CarteiraFields::fornecedor},
    {"data_entrega", &CarteiraFields::data_entrega},
});
// A member without a row would be silently dropped by every loop over it.
static_assert(
    sizeof(CarteiraFields) == kCarteiraFieldTable.size() * sizeof(std::string),
    "every member of CarteiraFields needs its kCarteiraFieldTable row");

// One SKU of a collection. Its Carteira fields come only from Carteira
// imports; AI-made attributes live in AiAnalysis and never overwrite them.
struct Product {
  RowId id = 0;
  RowId collection_id = 0;
  std::string sku;
  std::string sku_base;  // the SKU without size/colour suffixes (the key
                         // photos are matched on)
  CarteiraFields fields;
  // Columns of the Carteira no canonical field claimed (header → value).
  std::map<std::string, std::string> extra;
  RowId carteira_import_id = 0;  // the import that last wrote the fields
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  friend bool operator==(const Product&, const Product&) = default;
};

// The review workflow of an image. Allowed transitions:
//   pending → approved | rejected | pending_ai_analysis
//   pending_ai_analysis → pending
// Anything else (approved → rejected, ...) is a `conflict`.
enum class ImageStatus : int {
  kPending = 0,
  kPendingAiAnalysis,
  kApproved,
  kRejected,
};
// "pending", "pending_ai_analysis", "approved", "rejected".
std::string_view image_status_name(ImageStatus status) noexcept;
Result<ImageStatus> parse_image_status(std::string_view name);
bool is_allowed_transition(ImageStatus from, ImageStatus to) noexcept;

// A PDQ hash as its 32 bytes (pdq_to_bytes of imagebank/hash/pdq.hpp).
using PdqBytes = std::array<std::uint8_t, 32>;

struct ImageRecord {
  RowId id = 0;
  std::string sha256;  // 64 lowercase hex digits; unique in the bank
  std::uint64_t phash = 0;
  std::uint64_t dhash = 0;
  PdqBytes pdq{};
  int pdq_quality = 0;
  std::uint32_t width = 0;  // after EXIF orientation
  std::uint32_t height = 0;
  std::string format;  // "jpeg", "png", "webp", "avif"
  std::uint64_t bytes = 0;
  std::string original_name;  // the file name as uploaded
  std::string sku_base;       // from the file name; empty when none was found
  int sequence = 0;           // 0 = none
  std::string view;           // canonical view ("front", "back", ...)
  std::optional<RowId> product_id;
  std::optional<RowId> collection_id;
  std::optional<RowId> batch_id;
  std::string blob_key;  // where the original is stored
  ImageStatus status = ImageStatus::kPending;
  // What the decoding policy let through in the original (tolerance_text of
  // ImageInfo::tolerated, e.g. "jpeg_extraneous_bytes"); empty for a clean
  // file.
  std::string decode_tolerance;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  friend bool operator==(const ImageRecord&, const ImageRecord&) = default;
};

// What storing an image did: the row as stored, and whether its sha256 was
// already in the bank (then `image` is the existing row and nothing was
// written).
struct ImageInsert {
  ImageRecord image;
  bool duplicate = false;
};

// Keyset pagination: pass `next_after` back as `after_id`; 0 = last page.
template <typename T>
struct Page {
  std::vector<T> items;
  RowId next_after = 0;
};

// A responsive rendition of an image.
struct VariantRecord {
  RowId image_id = 0;
  std::string preset;  // "thumbnail", "grid", ...
  std::string format;  // "avif", "webp", "jpeg"
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint64_t bytes = 0;
  std::string blob_key;
  friend bool operator==(const VariantRecord&, const VariantRecord&) = default;
};

// One of up to 4 pieces detected in a photo (a look: top, trousers, bag, ...).
inline constexpr int kMaxImageItems = 4;
struct ImageItem {
  RowId id = 0;
  RowId image_id = 0;
  int position = 0;  // 0..kMaxImageItems-1
  std::string label;
  // Normalised box in [0, 1]: x, y, width, height.
  std::array<double, 4> box{};
  std::map<std::string, std::string> attributes;
  friend bool operator==(const ImageItem&, const ImageItem&) = default;
};

// A colour an analyzer named: its name in the request's locale
// ("azul-marinho"), hex ("#1f2a44", or empty when the analyzer gives none)
// and share of the garment's area (0..1; 0 = not measured).
struct VisionColor {
  std::string name;
  std::string hex;
  double share = 0;
  friend bool operator==(const VisionColor&, const VisionColor&) = default;
};

// What a pixel analyzer measured about the photograph itself (not the
// garment): the offline analyzer fills it; services leave it empty.
struct PhotoQuality {
  std::string background_hex;     // the border ring's median colour
  double white_border_share = 0;  // of border pixels near white, 0..1
  double border_uniformity = 0;   // 1 = one flat colour all round
  bool white_background = false;  // a studio's white background
  double foreground_share = 0;    // of the picture, 0..1
  double sharpness = 0;           // variance of the Laplacian (foreground)
  double clipped_highlights = 0;  // share of foreground pixels at 255
  double clipped_shadows = 0;     // share of foreground pixels at 0
  friend bool operator==(const PhotoQuality&, const PhotoQuality&) = default;
};

// What a vision service (or the offline analyzer) said about an image or one
// of its items. Stored apart from the Carteira fields, which it never changes.
// A failed attempt is stored too (`error` set, the other fields empty), so
// the image's record says why it was not analysed; caches read only
// successful rows.
struct AiAnalysis {
  RowId id = 0;
  RowId image_id = 0;
  std::optional<int> item_position;  // none = the whole photo
  std::string description;
  std::vector<std::string> tags;
  std::string color;  // the main colour's name (colors[0].name), or ""
  std::string material;
  double confidence = 0;  // 0..1
  std::string provider;   // "openai", "google", "offline", ...
  std::string model;
  std::string raw_json;  // the service's answer as received
  std::int64_t created_ms = 0;
  // The cache key with provider and model: the analysed content and the
  // answer's schema version (kVisionSchemaVersion when it was made).
  std::string sha256;
  int schema_version = 0;
  std::string garment_type;  // tipo_peca; empty = unknown
  std::string style;
  std::vector<VisionColor> colors;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::optional<PhotoQuality> quality;
  std::string blurhash;
  Status error;  // OK for an answer; the failure for a failed attempt
  friend bool operator==(const AiAnalysis&, const AiAnalysis&) = default;
};

// The audit trail of SKU changes: an image linked to another product, a
// product renamed.
enum class SkuSubject : int { kImage = 0, kProduct };
std::string_view sku_subject_name(SkuSubject subject) noexcept;
struct SkuHistory {
  RowId id = 0;
  SkuSubject subject = SkuSubject::kImage;
  RowId subject_id = 0;
  std::string old_sku;  // empty when there was none
  std::string new_sku;  // empty when unlinked
  std::string actor;    // who: a user, "carteira-import", "ingest", ...
  std::string reason;
  std::int64_t at_ms = 0;
  friend bool operator==(const SkuHistory&, const SkuHistory&) = default;
};

struct CarteiraImport {
  RowId id = 0;
  RowId collection_id = 0;
  std::string file;
  std::vector<std::string> sheets;
  std::int64_t rows = 0;
  std::int64_t issues = 0;
  std::int64_t products_created = 0;
  std::int64_t products_updated = 0;
  std::int64_t imported_ms = 0;
  friend bool operator==(const CarteiraImport&,
                         const CarteiraImport&) = default;
};

}  // namespace imagebank
