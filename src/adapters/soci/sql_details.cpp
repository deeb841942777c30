// What hangs off an image: variants, detected items, AI analyses; and the
// SKU audit trail.
#include <soci/soci.h>

#include <cmath>
#include <functional>
#include <set>
#include <string>

#include "adapters/soci/sql_json.hpp"
#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {
namespace {

Status require_image(soci::session& sql, RowId image_id) {
  long long id = image_id;
  int found = 0;
  sql << "SELECT COUNT(*) FROM images WHERE id = :i", soci::into(found),
      soci::use(id);
  if (found == 0) {
    return not_found_error("image " + std::to_string(image_id) +
                           " does not exist");
  }
  return {};
}

}  // namespace

Status check_variants(std::span<const VariantRecord> variants) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const VariantRecord& v : variants) {
    IMAGEBANK_RETURN_IF_ERROR(
        check_text("variant preset", v.preset, 64, false));
    IMAGEBANK_RETURN_IF_ERROR(
        check_text("variant format", v.format, 16, false));
    IMAGEBANK_RETURN_IF_ERROR(
        check_text("variant blob_key", v.blob_key, 1024, false));
    if (v.width == 0 || v.height == 0 || v.width > 1'000'000 ||
        v.height > 1'000'000) {
      return invalid_argument_error("variant " + v.preset + "/" + v.format +
                                    " has no valid size");
    }
    if (!seen.emplace(v.preset, v.format).second) {
      return invalid_argument_error("variant " + v.preset + "/" + v.format +
                                    " is given twice");
    }
  }
  return {};
}

Status write_variants(soci::session& sql, RowId image_id,
                      std::span<const VariantRecord> variants) {
  if (variants.empty()) return {};
  long long id = image_id, bytes = 0;
  int width = 0, height = 0;
  std::string preset, format, key;
  soci::statement st =
      (sql.prepare << "INSERT INTO variants (image_id, preset, format, width, "
                      "height, bytes, blob_key) VALUES (:i, :p, :f, :w, :h, "
                      ":b, :k) ON CONFLICT (image_id, preset, format) DO "
                      "UPDATE SET width = excluded.width, height = "
                      "excluded.height, bytes = excluded.bytes, blob_key = "
                      "excluded.blob_key",
       soci::use(id), soci::use(preset), soci::use(format), soci::use(width),
       soci::use(height), soci::use(bytes), soci::use(key));
  for (const VariantRecord& v : variants) {
    preset = v.preset;
    format = v.format;
    width = static_cast<int>(v.width);
    height = static_cast<int>(v.height);
    bytes = static_cast<long long>(v.bytes);
    key = v.blob_key;
    st.execute(true);
  }
  return {};
}

Status SqlCatalogStore::put_variants(RowId image_id,
                                     std::span<const VariantRecord> variants) {
  IMAGEBANK_RETURN_IF_ERROR(check_variants(variants));
  return write("put_variants", [&](soci::session& sql) {
    IMAGEBANK_RETURN_IF_ERROR(require_image(sql, image_id));
    return write_variants(sql, image_id, variants);
  });
}

Result<std::vector<VariantRecord>> SqlCatalogStore::variants(RowId image_id) {
  std::vector<VariantRecord> out;
  IMAGEBANK_RETURN_IF_ERROR(read("variants", [&](soci::session& sql) {
    out.clear();
    long long id = image_id, bytes = 0;
    int width = 0, height = 0;
    std::string preset, format, key;
    soci::statement st =
        (sql.prepare
             << "SELECT preset, format, width, height, bytes, blob_key "
                "FROM variants WHERE image_id = :i ORDER BY preset, format",
         soci::into(preset), soci::into(format), soci::into(width),
         soci::into(height), soci::into(bytes), soci::into(key), soci::use(id));
    st.execute(false);
    while (st.fetch()) {
      out.push_back(VariantRecord{image_id, preset, format,
                                  static_cast<std::uint32_t>(width),
                                  static_cast<std::uint32_t>(height),
                                  static_cast<std::uint64_t>(bytes), key});
    }
    return Status();
  }));
  return out;
}

Result<std::vector<ImageItem>> SqlCatalogStore::put_image_items(
    RowId image_id, std::span<const ImageItem> items) {
  if (items.size() > static_cast<std::size_t>(kMaxImageItems)) {
    return invalid_argument_error(
        "an image has at most " + std::to_string(kMaxImageItems) +
        " items, not " + std::to_string(items.size()));
  }
  std::set<int> positions;
  for (const ImageItem& item : items) {
    if (item.position < 0 || item.position >= kMaxImageItems ||
        !positions.insert(item.position).second) {
      return invalid_argument_error("item position " +
                                    std::to_string(item.position) +
                                    " is out of range or repeated");
    }
    IMAGEBANK_RETURN_IF_ERROR(check_text("item label", item.label, 200, true));
    for (double v : item.box) {
      if (!std::isfinite(v) || v < 0 || v > 1) {
        return invalid_argument_error("item box values must be within [0, 1]");
      }
    }
    for (const auto& [key, value] : item.attributes) {
      IMAGEBANK_RETURN_IF_ERROR(
          check_text("item attribute name", key, 200, false));
      IMAGEBANK_RETURN_IF_ERROR(
          check_text("item attribute", value, 4096, true));
    }
  }
  std::vector<ImageItem> out;
  IMAGEBANK_RETURN_IF_ERROR(write("put_image_items", [&](soci::session& sql) {
    out.clear();
    IMAGEBANK_RETURN_IF_ERROR(require_image(sql, image_id));
    long long id = image_id;
    sql << "DELETE FROM image_items WHERE image_id = :i", soci::use(id);
    for (const ImageItem& item : items) {
      const std::string box = to_json(item.box),
                        attrs = to_json(item.attributes);
      const int position = item.position;
      long long new_id = 0;
      sql << "INSERT INTO image_items (image_id, position, label, box, "
             "attributes) VALUES (:i, :p, :l, :b, :a) RETURNING id",
          soci::use(id), soci::use(position), soci::use(item.label),
          soci::use(box), soci::use(attrs), soci::into(new_id);
      ImageItem stored = item;
      stored.id = new_id;
      stored.image_id = image_id;
      out.push_back(std::move(stored));
    }
    return Status();
  }));
  return out;
}

Result<std::vector<ImageItem>> SqlCatalogStore::image_items(RowId image_id) {
  std::vector<ImageItem> out;
  IMAGEBANK_RETURN_IF_ERROR(read("image_items", [&](soci::session& sql) {
    out.clear();
    long long key = image_id, id = 0;
    int position = 0;
    std::string label, box, attrs;
    soci::statement st =
        (sql.prepare << "SELECT id, position, label, box, attributes FROM "
                        "image_items WHERE image_id = :i ORDER BY position",
         soci::into(id), soci::into(position), soci::into(label),
         soci::into(box), soci::into(attrs), soci::use(key));
    st.execute(false);
    while (st.fetch()) {
      ImageItem item;
      item.id = id;
      item.image_id = image_id;
      item.position = position;
      item.label = label;
      IMAGEBANK_ASSIGN_OR_RETURN(item.box, box_from_json(box));
      IMAGEBANK_ASSIGN_OR_RETURN(item.attributes, map_from_json(attrs));
      out.push_back(std::move(item));
    }
    return Status();
  }));
  return out;
}

namespace {

constexpr const char* kAnalysisColumns =
    "id, image_id, item_position, description, tags, color, material, "
    "confidence, provider, model, raw_json, created_ms, sha256, "
    "schema_version, garment_type, style, colors, input_tokens, "
    "output_tokens, quality, blurhash, error_code, error";

// Reads the rows of `SELECT <kAnalysisColumns> FROM ai_analyses <tail>`.
Status fetch_analyses(soci::session& sql, const std::string& tail,
                      const std::function<void(soci::statement&)>& bind,
                      std::vector<AiAnalysis>& out) {
  AiAnalysis row;
  long long id = 0, image = 0, created = 0, in_tokens = 0, out_tokens = 0;
  int position = 0, schema = 0;
  soci::indicator position_ind = soci::i_null;
  std::string tags, colors, quality, error_code, error;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(image));
  st.exchange(soci::into(position, position_ind));
  st.exchange(soci::into(row.description));
  st.exchange(soci::into(tags));
  st.exchange(soci::into(row.color));
  st.exchange(soci::into(row.material));
  st.exchange(soci::into(row.confidence));
  st.exchange(soci::into(row.provider));
  st.exchange(soci::into(row.model));
  st.exchange(soci::into(row.raw_json));
  st.exchange(soci::into(created));
  st.exchange(soci::into(row.sha256));
  st.exchange(soci::into(schema));
  st.exchange(soci::into(row.garment_type));
  st.exchange(soci::into(row.style));
  st.exchange(soci::into(colors));
  st.exchange(soci::into(in_tokens));
  st.exchange(soci::into(out_tokens));
  st.exchange(soci::into(quality));
  st.exchange(soci::into(row.blurhash));
  st.exchange(soci::into(error_code));
  st.exchange(soci::into(error));
  bind(st);
  st.alloc();
  st.prepare(std::string("SELECT ") + kAnalysisColumns + " FROM ai_analyses " +
             tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    AiAnalysis item = row;
    item.id = id;
    item.image_id = image;
    item.created_ms = created;
    item.schema_version = schema;
    item.input_tokens = in_tokens;
    item.output_tokens = out_tokens;
    item.item_position = position_ind == soci::i_ok
                             ? std::optional<int>(position)
                             : std::nullopt;
    IMAGEBANK_ASSIGN_OR_RETURN(item.tags, list_from_json(tags));
    IMAGEBANK_ASSIGN_OR_RETURN(item.colors, colors_from_json(colors));
    IMAGEBANK_ASSIGN_OR_RETURN(item.quality, quality_from_json(quality));
    item.error = stored_job_error(error_code, error);
    out.push_back(std::move(item));
  }
  return Status();
}

Status check_analysis(const AiAnalysis& analysis) {
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("description", analysis.description, 64 * 1024, true));
  IMAGEBANK_RETURN_IF_ERROR(check_text("color", analysis.color, 200, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("material", analysis.material, 200, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("garment_type", analysis.garment_type, 200, true));
  IMAGEBANK_RETURN_IF_ERROR(check_text("style", analysis.style, 200, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("provider", analysis.provider, 100, false));
  IMAGEBANK_RETURN_IF_ERROR(check_text("model", analysis.model, 200, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("raw_json", analysis.raw_json, 1 << 20, true));
  IMAGEBANK_RETURN_IF_ERROR(check_text("sha256", analysis.sha256, 64, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("blurhash", analysis.blurhash, 200, true));
  for (const auto& tag : analysis.tags) {
    IMAGEBANK_RETURN_IF_ERROR(check_text("tag", tag, 200, false));
  }
  if (analysis.tags.size() > 200 || analysis.colors.size() > 32) {
    return invalid_argument_error("AI analysis has too many tags or colours");
  }
  for (const auto& c : analysis.colors) {
    IMAGEBANK_RETURN_IF_ERROR(check_text("colour name", c.name, 200, false));
    IMAGEBANK_RETURN_IF_ERROR(check_text("colour hex", c.hex, 7, true));
    if (!std::isfinite(c.share) || c.share < 0 || c.share > 1) {
      return invalid_argument_error("AI colour share must be within [0, 1]");
    }
  }
  if (!std::isfinite(analysis.confidence) || analysis.confidence < 0 ||
      analysis.confidence > 1) {
    return invalid_argument_error("AI confidence must be within [0, 1]");
  }
  if (analysis.item_position && (*analysis.item_position < 0 ||
                                 *analysis.item_position >= kMaxImageItems)) {
    return invalid_argument_error("AI item position is out of range");
  }
  if (analysis.input_tokens < 0 || analysis.output_tokens < 0) {
    return invalid_argument_error("AI token counts must not be negative");
  }
  return Status();
}

}  // namespace

Result<AiAnalysis> SqlCatalogStore::add_ai_analysis(
    const AiAnalysis& analysis) {
  IMAGEBANK_RETURN_IF_ERROR(check_analysis(analysis));
  AiAnalysis out = analysis;
  IMAGEBANK_RETURN_IF_ERROR(write("add_ai_analysis", [&](soci::session& sql) {
    IMAGEBANK_RETURN_IF_ERROR(require_image(sql, analysis.image_id));
    const long long image = analysis.image_id, at = now_ms(),
                    in_tokens = analysis.input_tokens,
                    out_tokens = analysis.output_tokens;
    int position = analysis.item_position.value_or(0);
    int schema = analysis.schema_version;
    soci::indicator position_ind =
        analysis.item_position ? soci::i_ok : soci::i_null;
    const std::string tags = to_json(analysis.tags);
    const std::string colors = to_json(analysis.colors);
    const std::string quality = to_json(analysis.quality);
    const std::string error_code = job_error_code(analysis.error);
    const std::string error = job_error_text(analysis.error.message());
    double confidence = analysis.confidence;
    long long id = 0;
    sql << "INSERT INTO ai_analyses (image_id, item_position, description, "
           "tags, color, material, confidence, provider, model, raw_json, "
           "created_ms, sha256, schema_version, garment_type, style, colors, "
           "input_tokens, output_tokens, quality, blurhash, error_code, "
           "error) VALUES (:i, :p, :d, :tg, :c, :m, :cf, :pr, :mo, :r, :t, "
           ":sha, :sv, :gt, :st, :co, :it, :ot, :q, :bh, :ec, :er) "
           "RETURNING id",
        soci::use(image), soci::use(position, position_ind),
        soci::use(analysis.description), soci::use(tags),
        soci::use(analysis.color), soci::use(analysis.material),
        soci::use(confidence), soci::use(analysis.provider),
        soci::use(analysis.model), soci::use(analysis.raw_json), soci::use(at),
        soci::use(analysis.sha256), soci::use(schema),
        soci::use(analysis.garment_type), soci::use(analysis.style),
        soci::use(colors), soci::use(in_tokens), soci::use(out_tokens),
        soci::use(quality), soci::use(analysis.blurhash), soci::use(error_code),
        soci::use(error), soci::into(id);
    out.id = id;
    out.created_ms = at;
    out.error = stored_job_error(error_code, error);
    return Status();
  }));
  return out;
}

Result<std::vector<AiAnalysis>> SqlCatalogStore::ai_analyses(RowId image_id) {
  std::vector<AiAnalysis> out;
  IMAGEBANK_RETURN_IF_ERROR(read("ai_analyses", [&](soci::session& sql) {
    out.clear();
    long long key = image_id;
    return fetch_analyses(
        sql, "WHERE image_id = :i ORDER BY id",
        [&](soci::statement& st) { st.exchange(soci::use(key)); }, out);
  }));
  return out;
}

Result<std::optional<AiAnalysis>> SqlCatalogStore::find_ai_analysis(
    std::string_view sha256, const AnalysisKey& key) {
  std::vector<AiAnalysis> found;
  IMAGEBANK_RETURN_IF_ERROR(read("find_ai_analysis", [&](soci::session& sql) {
    found.clear();
    std::string sha(sha256), provider = key.provider, model = key.model;
    int schema = key.schema_version;
    return fetch_analyses(
        sql,
        "WHERE sha256 = :s AND provider = :p AND model = :m AND "
        "schema_version = :v AND item_position IS NULL AND error_code = '' "
        "ORDER BY id DESC LIMIT 1",
        [&](soci::statement& st) {
          st.exchange(soci::use(sha));
          st.exchange(soci::use(provider));
          st.exchange(soci::use(model));
          st.exchange(soci::use(schema));
        },
        found);
  }));
  if (found.empty()) return std::optional<AiAnalysis>();
  return std::optional<AiAnalysis>(std::move(found.front()));
}

Result<std::vector<AiAnalysis>> SqlCatalogStore::latest_ai_analyses(
    std::span<const RowId> image_ids) {
  if (image_ids.empty() || image_ids.size() > 10000) {
    return invalid_argument_error(
        "latest_ai_analyses: 1..10000 image ids, not " +
        std::to_string(image_ids.size()));
  }
  // The ids are integers of the caller's, printed by us: no outside text
  // reaches the statement.
  std::string ids;
  for (RowId id : image_ids) {
    if (!ids.empty()) ids += ',';
    ids += std::to_string(id);
  }
  std::vector<AiAnalysis> out;
  IMAGEBANK_RETURN_IF_ERROR(read("latest_ai_analyses", [&](soci::session& sql) {
    out.clear();
    return fetch_analyses(
        sql,
        "WHERE id IN (SELECT MAX(id) FROM ai_analyses WHERE image_id IN (" +
            ids +
            ") AND item_position IS NULL AND error_code = '' GROUP BY "
            "image_id) ORDER BY image_id",
        [](soci::statement&) {}, out);
  }));
  return out;
}

Result<std::vector<SkuHistory>> SqlCatalogStore::sku_history(SkuSubject subject,
                                                             RowId subject_id) {
  std::vector<SkuHistory> out;
  IMAGEBANK_RETURN_IF_ERROR(read("sku_history", [&](soci::session& sql) {
    out.clear();
    const std::string subject_name(sku_subject_name(subject));
    long long key = subject_id;
    SkuHistory row;
    soci::statement st =
        (sql.prepare
             << "SELECT id, old_sku, new_sku, actor, reason, at_ms FROM "
                "sku_history WHERE subject = :s AND subject_id = :i "
                "ORDER BY id",
         soci::into(row.id), soci::into(row.old_sku), soci::into(row.new_sku),
         soci::into(row.actor), soci::into(row.reason), soci::into(row.at_ms),
         soci::use(subject_name), soci::use(key));
    st.execute(false);
    while (st.fetch()) {
      SkuHistory item = row;
      item.subject = subject;
      item.subject_id = subject_id;
      out.push_back(std::move(item));
    }
    return Status();
  }));
  return out;
}

}  // namespace imagebank::sql
