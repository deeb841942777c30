// What hangs off an image: variants, detected items, AI analyses; and the
// SKU audit trail.
#include <soci/soci.h>

#include <cmath>
#include <set>

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

Result<AiAnalysis> SqlCatalogStore::add_ai_analysis(
    const AiAnalysis& analysis) {
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("description", analysis.description, 64 * 1024, true));
  IMAGEBANK_RETURN_IF_ERROR(check_text("color", analysis.color, 200, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("material", analysis.material, 200, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("provider", analysis.provider, 100, false));
  IMAGEBANK_RETURN_IF_ERROR(check_text("model", analysis.model, 200, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("raw_json", analysis.raw_json, 1 << 20, true));
  for (const auto& tag : analysis.tags) {
    IMAGEBANK_RETURN_IF_ERROR(check_text("tag", tag, 200, false));
  }
  if (!std::isfinite(analysis.confidence) || analysis.confidence < 0 ||
      analysis.confidence > 1) {
    return invalid_argument_error("AI confidence must be within [0, 1]");
  }
  if (analysis.item_position && (*analysis.item_position < 0 ||
                                 *analysis.item_position >= kMaxImageItems)) {
    return invalid_argument_error("AI item position is out of range");
  }
  AiAnalysis out = analysis;
  IMAGEBANK_RETURN_IF_ERROR(write("add_ai_analysis", [&](soci::session& sql) {
    IMAGEBANK_RETURN_IF_ERROR(require_image(sql, analysis.image_id));
    const long long image = analysis.image_id, at = now_ms();
    int position = analysis.item_position.value_or(0);
    soci::indicator position_ind =
        analysis.item_position ? soci::i_ok : soci::i_null;
    const std::string tags = to_json(analysis.tags);
    double confidence = analysis.confidence;
    long long id = 0;
    sql << "INSERT INTO ai_analyses (image_id, item_position, description, "
           "tags, color, material, confidence, provider, model, raw_json, "
           "created_ms) VALUES (:i, :p, :d, :tg, :c, :m, :cf, :pr, :mo, :r, "
           ":t) "
           "RETURNING id",
        soci::use(image), soci::use(position, position_ind),
        soci::use(analysis.description), soci::use(tags),
        soci::use(analysis.color), soci::use(analysis.material),
        soci::use(confidence), soci::use(analysis.provider),
        soci::use(analysis.model), soci::use(analysis.raw_json), soci::use(at),
        soci::into(id);
    out.id = id;
    out.created_ms = at;
    return Status();
  }));
  return out;
}

Result<std::vector<AiAnalysis>> SqlCatalogStore::ai_analyses(RowId image_id) {
  std::vector<AiAnalysis> out;
  IMAGEBANK_RETURN_IF_ERROR(read("ai_analyses", [&](soci::session& sql) {
    out.clear();
    AiAnalysis row;
    long long key = image_id;
    int position = 0;
    soci::indicator position_ind = soci::i_null;
    std::string tags;
    soci::statement st =
        (sql.prepare
             << "SELECT id, item_position, description, tags, color, "
                "material, confidence, provider, model, raw_json, "
                "created_ms FROM ai_analyses WHERE image_id = :i ORDER BY id",
         soci::into(row.id), soci::into(position, position_ind),
         soci::into(row.description), soci::into(tags), soci::into(row.color),
         soci::into(row.material), soci::into(row.confidence),
         soci::into(row.provider), soci::into(row.model),
         soci::into(row.raw_json), soci::into(row.created_ms), soci::use(key));
    st.execute(false);
    while (st.fetch()) {
      AiAnalysis item = row;
      item.image_id = image_id;
      item.item_position = position_ind == soci::i_ok
                               ? std::optional<int>(position)
                               : std::nullopt;
      IMAGEBANK_ASSIGN_OR_RETURN(item.tags, list_from_json(tags));
      out.push_back(std::move(item));
    }
    return Status();
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
