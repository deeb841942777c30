// Images: idempotent inserts, links to products, the status workflow, and
// keyset-paginated listing.
#include <soci/soci.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "adapters/soci/sql_bulk.hpp"
#include "adapters/soci/sql_rows.hpp"
#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {
namespace {

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Status check_image(const ImageRecord& image) {
  if (!is_sha256_hex(image.sha256)) {
    return invalid_argument_error("image sha256 '" +
                                  image.sha256.substr(0, 80) +
                                  "' is not 64 lowercase hex digits");
  }
  const std::string who = "image " + image.sha256.substr(0, 12) + ": ";
  IMAGEBANK_RETURN_IF_ERROR(check_text(who + "format", image.format, 32, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text(who + "original_name", image.original_name, 4096, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text(who + "sku_base", image.sku_base, 200, true));
  IMAGEBANK_RETURN_IF_ERROR(check_text(who + "view", image.view, 64, true));
  IMAGEBANK_RETURN_IF_ERROR(
      check_text(who + "blob_key", image.blob_key, 1024, true));
  if (image.width > 1'000'000 || image.height > 1'000'000 ||
      image.bytes > (1ull << 50) || image.sequence < 0 ||
      image.sequence > 1'000'000 || image.pdq_quality < 0 ||
      image.pdq_quality > 100) {
    return invalid_argument_error(who + "a number is out of range");
  }
  return {};
}

// Inserts each image unless its sha256 is there; `out` gets the stored rows
// in input order. Rows are written in sha256 order: two transactions
// inserting overlapping sets lock index entries in the same order and never
// deadlock. A repeat within the input resolves to its first occurrence.
Status insert_images_in(Dialect dialect, soci::session& sql,
                        std::span<const ImageRecord> images,
                        std::vector<ImageInsert>& out) {
  std::vector<std::size_t> order(images.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) {
                     return images[a].sha256 < images[b].sha256;
                   });
  std::vector<const ImageRecord*> unique;
  std::vector<std::size_t> first_of(images.size());  // index into `unique`
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    if (k == 0 || images[i].sha256 != images[order[k - 1]].sha256) {
      unique.push_back(&images[i]);
    }
    first_of[i] = unique.size() - 1;
  }
  const std::int64_t now = now_ms();
  std::vector<RowId> ids;
  IMAGEBANK_RETURN_IF_ERROR(bulk_insert_images(dialect, sql, unique, now, ids));

  std::vector<ImageInsert> stored(unique.size());
  for (std::size_t u = 0; u < unique.size(); ++u) {
    if (ids[u] != 0) {
      stored[u] = ImageInsert{*unique[u], false};
      stored[u].image.id = ids[u];
      stored[u].image.created_ms = stored[u].image.updated_ms = now;
      continue;
    }
    std::vector<ImageRecord> existing;
    const std::string key = unique[u]->sha256;
    IMAGEBANK_RETURN_IF_ERROR(fetch_rows<ImageRow>(
        sql,
        std::string("SELECT ") + kImageColumns +
            " FROM images WHERE sha256 = :s",
        [&](soci::statement& st) { st.exchange(soci::use(key)); }, existing));
    if (existing.empty()) {
      return internal_error("image " + key + " neither inserted nor found");
    }
    stored[u] = ImageInsert{std::move(existing.front()), true};
  }
  out.clear();
  out.reserve(images.size());
  std::vector<bool> given(unique.size(), false);
  for (std::size_t i = 0; i < images.size(); ++i) {
    ImageInsert row = stored[first_of[i]];
    // The first occurrence reports what the database did; later ones in the
    // same input are duplicates of it.
    if (given[first_of[i]]) row.duplicate = true;
    given[first_of[i]] = true;
    out.push_back(std::move(row));
  }
  return {};
}

Result<ImageRecord> load_image(soci::session& sql, RowId id) {
  std::vector<ImageRecord> found;
  long long key = id;
  IMAGEBANK_RETURN_IF_ERROR(fetch_rows<ImageRow>(
      sql,
      std::string("SELECT ") + kImageColumns + " FROM images WHERE id = :i",
      [&](soci::statement& st) { st.exchange(soci::use(key)); }, found));
  if (found.empty()) {
    return not_found_error("image " + std::to_string(id) + " does not exist");
  }
  return std::move(found.front());
}

Result<ImageInsert> SqlCatalogStore::insert_image(const ImageRecord& image) {
  IMAGEBANK_ASSIGN_OR_RETURN(
      auto rows, insert_images(std::span<const ImageRecord>(&image, 1)));
  return std::move(rows.front());
}

Result<std::vector<ImageInsert>> SqlCatalogStore::insert_images(
    std::span<const ImageRecord> images) {
  for (const ImageRecord& image : images)
    IMAGEBANK_RETURN_IF_ERROR(check_image(image));
  std::vector<ImageInsert> out;
  if (images.empty()) return out;
  IMAGEBANK_RETURN_IF_ERROR(write("insert_images", [&](soci::session& sql) {
    return insert_images_in(pool_->dialect(), sql, images, out);
  }));
  return out;
}

Result<ImageRecord> SqlCatalogStore::get_image(RowId id) {
  ImageRecord out;
  IMAGEBANK_RETURN_IF_ERROR(read("get_image", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_image(sql, id));
    return Status();
  }));
  return out;
}

Result<ImageRecord> SqlCatalogStore::find_image_by_sha256(
    std::string_view sha256) {
  if (!is_sha256_hex(sha256)) {
    return invalid_argument_error("'" + std::string(sha256.substr(0, 80)) +
                                  "' is not 64 lowercase hex digits");
  }
  std::vector<ImageRecord> found;
  const std::string key(sha256);
  IMAGEBANK_RETURN_IF_ERROR(
      read("find_image_by_sha256", [&](soci::session& sql) {
        found.clear();
        return fetch_rows<ImageRow>(
            sql,
            std::string("SELECT ") + kImageColumns +
                " FROM images WHERE sha256 = :s",
            [&](soci::statement& st) { st.exchange(soci::use(key)); }, found);
      }));
  if (found.empty()) return not_found_error("no image with sha256 " + key);
  return std::move(found.front());
}

Result<ImageRecord> SqlCatalogStore::link_image(RowId image_id,
                                                std::optional<RowId> product_id,
                                                std::string_view actor,
                                                std::string_view reason) {
  IMAGEBANK_RETURN_IF_ERROR(check_text("actor", actor, 200, false));
  IMAGEBANK_RETURN_IF_ERROR(check_text("reason", reason, 4096, true));
  ImageRecord out;
  IMAGEBANK_RETURN_IF_ERROR(write("link_image", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(ImageRecord image, load_image(sql, image_id));
    if (image.product_id == product_id) {
      out = std::move(image);
      return Status();
    }
    std::string old_sku, new_sku;
    if (image.product_id) {
      IMAGEBANK_ASSIGN_OR_RETURN(Product old,
                                 load_product(sql, *image.product_id));
      old_sku = old.sku;
    }
    long long product = 0, collection = 0;
    soci::indicator product_ind = soci::i_null;
    if (product_id) {
      IMAGEBANK_ASSIGN_OR_RETURN(Product next, load_product(sql, *product_id));
      new_sku = next.sku;
      product = next.id;
      collection = next.collection_id;
      product_ind = soci::i_ok;
    }
    const long long at = now_ms(), id = image_id;
    if (product_id) {
      // A linked image belongs to its product's collection.
      sql << "UPDATE images SET product_id = :p, collection_id = :c, "
             "updated_ms = :t WHERE id = :i",
          soci::use(product, product_ind), soci::use(collection), soci::use(at),
          soci::use(id);
    } else {
      sql << "UPDATE images SET product_id = NULL, updated_ms = :t WHERE id = "
             ":i",
          soci::use(at), soci::use(id);
    }
    IMAGEBANK_RETURN_IF_ERROR(add_history(sql, SkuSubject::kImage, image_id,
                                          old_sku, new_sku, actor, reason));
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_image(sql, image_id));
    return Status();
  }));
  return out;
}

Result<ImageRecord> SqlCatalogStore::set_image_status(RowId image_id,
                                                      ImageStatus to) {
  ImageRecord out;
  IMAGEBANK_RETURN_IF_ERROR(write("set_image_status", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(ImageRecord image, load_image(sql, image_id));
    if (!is_allowed_transition(image.status, to)) {
      return conflict_error("image " + std::to_string(image_id) +
                            ": cannot go from " +
                            std::string(image_status_name(image.status)) +
                            " to " + std::string(image_status_name(to)));
    }
    const std::string from_name(image_status_name(image.status));
    const std::string to_name(image_status_name(to));
    const long long at = now_ms(), id = image_id;
    // Compare-and-set: a concurrent change in between makes this a no-op,
    // reported as a conflict rather than silently overwritten.
    soci::statement st = (sql.prepare << "UPDATE images SET status = :s, "
                                         "updated_ms = :t WHERE id = :i AND "
                                         "status = :f",
                          soci::use(to_name), soci::use(at), soci::use(id),
                          soci::use(from_name));
    st.execute(true);
    if (st.get_affected_rows() != 1) {
      return conflict_error("image " + std::to_string(image_id) +
                            ": status changed concurrently");
    }
    image.status = to;
    image.updated_ms = at;
    out = std::move(image);
    return Status();
  }));
  return out;
}

Result<Page<ImageRecord>> SqlCatalogStore::list_images(
    const ImageQuery& query) {
  if (query.limit == 0 || query.limit > 10000) {
    return invalid_argument_error("list_images: limit must be 1..10000, not " +
                                  std::to_string(query.limit));
  }
  // Only fixed SQL fragments are joined; every value is a bound parameter.
  std::string where = "id > :after";
  long long after = query.after_id,
            collection = query.collection_id.value_or(0),
            product = query.product_id.value_or(0),
            batch = query.batch_id.value_or(0),
            brand = query.brand_id.value_or(0);
  long long limit = static_cast<long long>(query.limit) + 1;
  std::string sku_base = query.sku_base.value_or("");
  std::string status =
      query.status ? std::string(image_status_name(*query.status)) : "";
  if (query.sku_base) where += " AND sku_base = :sku";
  if (query.collection_id) where += " AND collection_id = :col";
  if (query.product_id) where += " AND product_id = :prod";
  if (query.status) where += " AND status = :st";
  if (query.batch_id) where += " AND batch_id = :bat";
  if (query.linked) {
    where += *query.linked ? " AND product_id IS NOT NULL"
                           : " AND product_id IS NULL";
  }
  if (query.brand_id) {
    where +=
        " AND collection_id IN (SELECT id FROM collections WHERE brand_id = "
        ":brand)";
  }
  if (query.near_duplicate) {
    // Both sides are indexed (the primary key starts with image_id).
    where += std::string(*query.near_duplicate ? " AND" : " AND NOT") +
             " (EXISTS (SELECT 1 FROM near_duplicates n WHERE n.image_id = "
             "images.id) OR EXISTS (SELECT 1 FROM near_duplicates n WHERE "
             "n.other_image_id = images.id))";
  }
  std::string analysis_provider, analysis_model;
  int analysis_schema = 0;
  if (query.missing_analysis) {
    analysis_provider = query.missing_analysis->provider;
    analysis_model = query.missing_analysis->model;
    analysis_schema = query.missing_analysis->schema_version;
    where +=
        " AND NOT EXISTS (SELECT 1 FROM ai_analyses a WHERE a.provider = :ap "
        "AND a.model = :am AND a.schema_version = :asv AND a.image_id = "
        "images.id AND a.item_position IS NULL AND a.error_code = '')";
  }
  Page<ImageRecord> page;
  IMAGEBANK_RETURN_IF_ERROR(read("list_images", [&](soci::session& sql) {
    page.items.clear();
    return fetch_rows<ImageRow>(
        sql,
        std::string("SELECT ") + kImageColumns + " FROM images WHERE " + where +
            " ORDER BY id LIMIT :lim",
        [&](soci::statement& st) {
          st.exchange(soci::use(after));
          if (query.sku_base) st.exchange(soci::use(sku_base));
          if (query.collection_id) st.exchange(soci::use(collection));
          if (query.product_id) st.exchange(soci::use(product));
          if (query.status) st.exchange(soci::use(status));
          if (query.batch_id) st.exchange(soci::use(batch));
          if (query.brand_id) st.exchange(soci::use(brand));
          if (query.missing_analysis) {
            st.exchange(soci::use(analysis_provider));
            st.exchange(soci::use(analysis_model));
            st.exchange(soci::use(analysis_schema));
          }
          st.exchange(soci::use(limit));
        },
        page.items);
  }));
  if (page.items.size() > query.limit) {
    page.items.pop_back();
    page.next_after = page.items.back().id;
  }
  return page;
}

Result<std::vector<ImageHashRow>> SqlCatalogStore::image_hashes(
    RowId after_id, std::size_t limit) {
  if (limit == 0 || limit > 100000) {
    return invalid_argument_error(
        "image_hashes: limit must be 1..100000, not " + std::to_string(limit));
  }
  std::vector<ImageHashRow> out;
  IMAGEBANK_RETURN_IF_ERROR(read("image_hashes", [&](soci::session& sql) {
    out.clear();
    long long after = after_id, lim = static_cast<long long>(limit), id = 0,
              phash = 0;
    soci::statement st =
        (sql.prepare << "SELECT id, phash FROM images WHERE id > :a ORDER BY "
                        "id LIMIT :n",
         soci::into(id), soci::into(phash), soci::use(after), soci::use(lim));
    st.execute(false);
    while (st.fetch()) out.push_back(ImageHashRow{id, from_sql(phash)});
    return Status();
  }));
  return out;
}

Result<std::vector<NearDuplicate>> SqlCatalogStore::near_duplicates(
    std::optional<RowId> image_id, RowId after_image_id, std::size_t limit) {
  if (limit == 0 || limit > 10000) {
    return invalid_argument_error(
        "near_duplicates: limit must be 1..10000, not " +
        std::to_string(limit));
  }
  const std::string of_image =
      image_id ? " AND (image_id = :x OR other_image_id = :y)" : "";
  std::vector<NearDuplicate> out;
  IMAGEBANK_RETURN_IF_ERROR(read("near_duplicates", [&](soci::session& sql) {
    out.clear();
    long long x = image_id.value_or(0), after = after_image_id,
              lim = static_cast<long long>(limit), id = 0, other = 0;
    int distance = 0;
    std::string algorithm;
    // Rows of the image the limit cut into are read whole, so the next page
    // (after_image_id = the last row's image_id) loses none.
    auto run = [&](const std::string& cond, bool limited) {
      soci::statement st(sql);
      st.exchange(soci::into(id));
      st.exchange(soci::into(other));
      st.exchange(soci::into(distance));
      st.exchange(soci::into(algorithm));
      st.exchange(soci::use(after));
      if (image_id) {
        st.exchange(soci::use(x));
        st.exchange(soci::use(x));
      }
      if (limited) st.exchange(soci::use(lim));
      st.alloc();
      st.prepare(
          "SELECT image_id, other_image_id, distance, algorithm FROM "
          "near_duplicates WHERE " +
          cond + of_image + " ORDER BY image_id, other_image_id, algorithm" +
          (limited ? " LIMIT :n" : ""));
      st.define_and_bind();
      st.execute(false);
      while (st.fetch()) {
        out.push_back(NearDuplicate{id, other, distance, algorithm});
      }
    };
    run("image_id > :a", true);
    if (out.size() == limit) {
      // Same snapshot, same order: the first `taken` rows of that image
      // are the ones the page already has.
      after = out.back().image_id;
      const auto taken = static_cast<std::size_t>(std::count_if(
          out.begin(), out.end(),
          [&](const NearDuplicate& d) { return d.image_id == after; }));
      std::vector<NearDuplicate> page = std::move(out);
      out.clear();
      run("image_id = :a", false);
      page.insert(page.end(),
                  out.begin() +
                      static_cast<std::ptrdiff_t>(std::min(taken, out.size())),
                  out.end());
      out = std::move(page);
    }
    return Status();
  }));
  return out;
}

}  // namespace imagebank::sql
