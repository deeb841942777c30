// Cross-SKU conflicts: recorded with the job that found them (complete_job,
// add_jobs), listed for review, and resolved by relinking, discarding or
// dismissing, each in one transaction.
#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "adapters/soci/sql_rows.hpp"
#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {
namespace {

constexpr char kConflictColumns[] =
    "id, kind, image_id, image_name, image_sku, other_image_id, other_name, "
    "other_sku, batch_id, job_id, collection_id, distance, state, "
    "resolved_by, resolved_sku, resolved_ms, created_ms";

struct ConflictRow {
  long long id = 0;
  std::string kind;
  long long image_id = 0;
  soci::indicator image_ind = soci::i_null;
  std::string image_name, image_sku;
  long long other_image_id = 0;
  soci::indicator other_ind = soci::i_null;
  std::string other_name, other_sku;
  long long batch_id = 0, job_id = 0, collection_id = 0;
  soci::indicator batch_ind = soci::i_null, job_ind = soci::i_null,
                  collection_ind = soci::i_null;
  int distance = 0;
  std::string state, resolved_by, resolved_sku;
  long long resolved_ms = 0, created_ms = 0;

  void exchange_into(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(image_id, image_ind));
    st.exchange(soci::into(image_name));
    st.exchange(soci::into(image_sku));
    st.exchange(soci::into(other_image_id, other_ind));
    st.exchange(soci::into(other_name));
    st.exchange(soci::into(other_sku));
    st.exchange(soci::into(batch_id, batch_ind));
    st.exchange(soci::into(job_id, job_ind));
    st.exchange(soci::into(collection_id, collection_ind));
    st.exchange(soci::into(distance));
    st.exchange(soci::into(state));
    st.exchange(soci::into(resolved_by));
    st.exchange(soci::into(resolved_sku));
    st.exchange(soci::into(resolved_ms));
    st.exchange(soci::into(created_ms));
  }

  Result<SkuConflict> to_conflict() const {
    SkuConflict c;
    c.id = id;
    IMAGEBANK_ASSIGN_OR_RETURN(c.kind, parse_conflict_kind(kind));
    if (image_ind == soci::i_ok) c.image_id = image_id;
    c.image_name = image_name;
    c.image_sku = image_sku;
    if (other_ind == soci::i_ok) c.other_image_id = other_image_id;
    c.other_name = other_name;
    c.other_sku = other_sku;
    if (batch_ind == soci::i_ok) c.batch_id = batch_id;
    if (job_ind == soci::i_ok) c.job_id = job_id;
    if (collection_ind == soci::i_ok) c.collection_id = collection_id;
    c.distance = distance;
    IMAGEBANK_ASSIGN_OR_RETURN(c.state, parse_conflict_state(state));
    c.resolved_by = resolved_by;
    c.resolved_sku = resolved_sku;
    c.resolved_ms = resolved_ms;
    c.created_ms = created_ms;
    return c;
  }
};

Status fetch_conflicts(soci::session& sql, const std::string& tail,
                       const std::function<void(soci::statement&)>& bind,
                       std::vector<SkuConflict>& out) {
  ConflictRow row;
  soci::statement st(sql);
  row.exchange_into(st);
  bind(st);
  st.alloc();
  st.prepare(std::string("SELECT ") + kConflictColumns + " FROM conflicts " +
             tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    IMAGEBANK_ASSIGN_OR_RETURN(SkuConflict c, row.to_conflict());
    out.push_back(std::move(c));
  }
  return {};
}

Result<SkuConflict> load_conflict(soci::session& sql, RowId id) {
  std::vector<SkuConflict> found;
  const long long key = id;
  IMAGEBANK_RETURN_IF_ERROR(fetch_conflicts(
      sql, "WHERE id = :i",
      [&](soci::statement& st) { st.exchange(soci::use(key)); }, found));
  if (found.empty()) {
    return not_found_error("conflict " + std::to_string(id) +
                           " does not exist");
  }
  return std::move(found.front());
}

bool same_sku(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

// The product a relinked photo of `collection` goes to: the lowest id whose
// SKU or SKU base is `sku` (the product ingest would have matched).
Result<RowId> product_for(soci::session& sql, RowId collection,
                          const std::string& sku) {
  long long found = 0, c = collection;
  soci::indicator ind = soci::i_null;
  sql << "SELECT MIN(id) FROM products WHERE collection_id = :c AND (sku = :s "
         "OR sku_base = :s2)",
      soci::into(found, ind), soci::use(c), soci::use(sku), soci::use(sku);
  if (ind != soci::i_ok) {
    return not_found_error("collection " + std::to_string(collection) +
                           " has no product with SKU " + sku);
  }
  return found;
}

Status relink(soci::session& sql, RowId image_id, const std::string& sku,
              std::string_view actor, std::string_view reason, long long at) {
  IMAGEBANK_ASSIGN_OR_RETURN(ImageRecord image, load_image(sql, image_id));
  std::optional<RowId> product;
  if (image.collection_id) {
    IMAGEBANK_ASSIGN_OR_RETURN(product,
                               product_for(sql, *image.collection_id, sku));
  }
  if (image.sku_base == sku && image.product_id == product) return {};
  std::string old_sku = image.sku_base, new_sku = sku;
  if (image.product_id) {
    IMAGEBANK_ASSIGN_OR_RETURN(Product old,
                               load_product(sql, *image.product_id));
    old_sku = old.sku;
  }
  if (product) {
    IMAGEBANK_ASSIGN_OR_RETURN(Product next, load_product(sql, *product));
    new_sku = next.sku;
  }
  long long id = image_id, p = product.value_or(0);
  soci::indicator p_ind = product ? soci::i_ok : soci::i_null;
  sql << "UPDATE images SET sku_base = :s, product_id = :p, updated_ms = :t "
         "WHERE id = :i",
      soci::use(sku), soci::use(p, p_ind), soci::use(at), soci::use(id);
  return add_history(sql, SkuSubject::kImage, image_id, old_sku, new_sku, actor,
                     reason);
}

// Removes the image's rows; returns the keys of its objects.
Result<std::vector<std::string>> discard(soci::session& sql, RowId image_id) {
  IMAGEBANK_ASSIGN_OR_RETURN(ImageRecord image, load_image(sql, image_id));
  std::vector<std::string> keys{image.blob_key};
  const long long id = image_id;
  {
    std::string key;
    soci::statement st = (sql.prepare << "SELECT blob_key FROM variants WHERE "
                                         "image_id = :i ORDER BY blob_key",
                          soci::into(key), soci::use(id));
    st.execute(false);
    while (st.fetch()) keys.push_back(key);
  }
  sql << "DELETE FROM variants WHERE image_id = :i", soci::use(id);
  sql << "DELETE FROM image_items WHERE image_id = :i", soci::use(id);
  sql << "DELETE FROM ai_analyses WHERE image_id = :i", soci::use(id);
  sql << "DELETE FROM near_duplicates WHERE image_id = :i OR other_image_id "
         "= :o",
      soci::use(id), soci::use(id);
  // Its analyze jobs have nothing left to describe.
  sql << "UPDATE jobs SET state = 'cancelled' WHERE image_id = :i AND kind = "
         "'analyze' AND state = 'received'",
      soci::use(id);
  sql << "UPDATE jobs SET image_id = NULL WHERE image_id = :i", soci::use(id);
  sql << "UPDATE conflicts SET image_id = NULL WHERE image_id = :i",
      soci::use(id);
  sql << "UPDATE conflicts SET other_image_id = NULL WHERE other_image_id = :i",
      soci::use(id);
  sql << "DELETE FROM images WHERE id = :i", soci::use(id);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace

Status write_conflicts(soci::session& sql, RowId job_id,
                       std::optional<RowId> new_image_id,
                       std::span<const ConflictFinding> found, long long at) {
  if (found.empty()) return {};
  IMAGEBANK_ASSIGN_OR_RETURN(Job job, load_job(sql, job_id));
  IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, load_batch(sql, job.batch_id));
  for (const ConflictFinding& f : found) {
    if (new_image_id && f.image_id == *new_image_id) continue;
    // A near finding needs the image the job made.
    if (f.kind == ConflictKind::kNear && !new_image_id) continue;
    IMAGEBANK_RETURN_IF_ERROR(check_text("conflict sku", f.sku, 200, false));
    if (f.distance < 0 || f.distance > 256) {
      return invalid_argument_error("conflict distance " +
                                    std::to_string(f.distance) +
                                    " is outside 0..256");
    }
    Result<ImageRecord> image = load_image(sql, f.image_id);
    // A photo discarded meanwhile has nothing left to conflict with.
    if (!image.ok() && image.status().code() == ErrorCode::kNotFound) continue;
    IMAGEBANK_RETURN_IF_ERROR(image.status());
    const std::string kind(conflict_kind_name(f.kind));
    long long img = f.image_id, job_key = job_id, bat = job.batch_id,
              col = batch.collection_id, other = new_image_id.value_or(0);
    soci::indicator other_ind = f.kind == ConflictKind::kNear && new_image_id
                                    ? soci::i_ok
                                    : soci::i_null;
    soci::indicator col_ind =
        batch.collection_id != 0 ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO conflicts (kind, image_id, image_name, image_sku, "
           "other_image_id, other_name, other_sku, batch_id, job_id, "
           "collection_id, distance, state, created_ms) VALUES (:p1, :p2, :p3, "
           ":p4, :p5, :p6, :p7, :p8, :p9, :p10, :p11, 'open', :p12) ON "
           "CONFLICT "
           "(job_id, image_id) DO NOTHING",
        soci::use(kind), soci::use(img), soci::use(image->original_name),
        soci::use(image->sku_base), soci::use(other, other_ind),
        soci::use(job.original_name), soci::use(f.sku), soci::use(bat),
        soci::use(job_key), soci::use(col, col_ind), soci::use(f.distance),
        soci::use(at);
  }
  return {};
}

Status write_job_conflicts(soci::session& sql, RowId job_id,
                           const JobOutcome& outcome, const ImageInsert& stored,
                           long long at) {
  if (!stored.duplicate) {
    return write_conflicts(sql, job_id, stored.image.id, outcome.conflicts, at);
  }
  // No image was made: only exact findings stand.
  std::vector<ConflictFinding> found;
  for (const ConflictFinding& f : outcome.conflicts) {
    if (f.kind == ConflictKind::kExact) found.push_back(f);
  }
  // Two workers processed the same bytes side by side and this one lost
  // the insert: the SKU its file's name gave was compared, if at all, with
  // the other's photo as a near duplicate.
  const std::string& arriving = outcome.image.sku_base;
  if (outcome.image.id == 0 && !arriving.empty() &&
      !stored.image.sku_base.empty() &&
      !same_sku(arriving, stored.image.sku_base) &&
      std::none_of(found.begin(), found.end(), [&](const ConflictFinding& f) {
        return f.image_id == stored.image.id;
      })) {
    found.push_back(
        ConflictFinding{ConflictKind::kExact, stored.image.id, arriving, 0});
  }
  return write_conflicts(sql, job_id, std::nullopt, found, at);
}

Result<Page<SkuConflict>> SqlCatalogStore::list_conflicts(
    const ConflictQuery& query) {
  if (query.limit == 0 || query.limit > 10000) {
    return invalid_argument_error(
        "list_conflicts: limit must be 1..10000, not " +
        std::to_string(query.limit));
  }
  std::string tail = "WHERE id > :a";
  if (query.open_only) tail += " AND state = 'open'";
  if (query.collection_id) tail += " AND collection_id = :c";
  if (query.batch_id) tail += " AND batch_id = :b";
  tail += " ORDER BY id LIMIT :n";
  Page<SkuConflict> out;
  IMAGEBANK_RETURN_IF_ERROR(read("list_conflicts", [&](soci::session& sql) {
    out.items.clear();
    const long long after = query.after_id, c = query.collection_id.value_or(0),
                    b = query.batch_id.value_or(0),
                    n = static_cast<long long>(query.limit) + 1;
    IMAGEBANK_RETURN_IF_ERROR(fetch_conflicts(
        sql, tail,
        [&](soci::statement& st) {
          st.exchange(soci::use(after));
          if (query.collection_id) st.exchange(soci::use(c));
          if (query.batch_id) st.exchange(soci::use(b));
          st.exchange(soci::use(n));
        },
        out.items));
    return Status();
  }));
  out.next_after = 0;
  if (out.items.size() > query.limit) {
    out.items.resize(query.limit);
    out.next_after = out.items.back().id;
  }
  return out;
}

Result<SkuConflict> SqlCatalogStore::get_conflict(RowId id) {
  SkuConflict out;
  IMAGEBANK_RETURN_IF_ERROR(read("get_conflict", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_conflict(sql, id));
    return Status();
  }));
  return out;
}

Result<ConflictResolved> SqlCatalogStore::resolve_conflict(
    RowId id, const ConflictResolution& resolution) {
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("reviewer", resolution.actor, 200, false));
  const ConflictState action = resolution.action;
  if (action == ConflictState::kOpen) {
    return invalid_argument_error(
        "conflict " + std::to_string(id) +
        ": a resolution relinks, discards or dismisses; it cannot reopen");
  }
  if (action == ConflictState::kRelinked) {
    IMAGEBANK_RETURN_IF_ERROR(
        check_text("the SKU to relink to", resolution.sku, 200, false));
  }
  ConflictResolved out;
  IMAGEBANK_RETURN_IF_ERROR(write("resolve_conflict", [&](soci::session& sql) {
    out = ConflictResolved{};
    IMAGEBANK_ASSIGN_OR_RETURN(SkuConflict c, load_conflict(sql, id));
    if (c.state != ConflictState::kOpen) {
      return conflict_error("conflict " + std::to_string(id) + " is already " +
                            std::string(conflict_state_name(c.state)));
    }
    const long long at = now_ms();
    std::set<RowId> stored;
    if (c.image_id) stored.insert(*c.image_id);
    if (c.other_image_id) stored.insert(*c.other_image_id);
    const std::string reason = "conflict " + std::to_string(id) + " " +
                               std::string(conflict_state_name(action));
    std::string sku;
    if (action == ConflictState::kRelinked) {
      sku = resolution.sku;
      for (RowId image : stored) {
        IMAGEBANK_RETURN_IF_ERROR(
            relink(sql, image, sku, resolution.actor, reason, at));
      }
    } else if (action == ConflictState::kDiscarded) {
      std::optional<RowId> target = resolution.discard_image_id;
      if (!target) {
        target = c.other_image_id ? c.other_image_id : c.image_id;
      }
      if (!target || stored.count(*target) == 0) {
        return invalid_argument_error(
            "conflict " + std::to_string(id) + ": " +
            (target ? "image " + std::to_string(*target) +
                          " is not one of its photos"
                    : std::string("it has no stored photo left to discard")));
      }
      IMAGEBANK_ASSIGN_OR_RETURN(ImageRecord image, load_image(sql, *target));
      IMAGEBANK_ASSIGN_OR_RETURN(out.discarded_blob_keys,
                                 discard(sql, *target));
      out.discarded = std::move(image);
    }
    const std::string state(conflict_state_name(action));
    const long long key = id;
    sql << "UPDATE conflicts SET state = :s, resolved_by = :r, resolved_sku = "
           ":k, resolved_ms = :t WHERE id = :i",
        soci::use(state), soci::use(resolution.actor), soci::use(sku),
        soci::use(at), soci::use(key);
    IMAGEBANK_ASSIGN_OR_RETURN(out.conflict, load_conflict(sql, id));
    return Status();
  }));
  return out;
}

}  // namespace imagebank::sql
