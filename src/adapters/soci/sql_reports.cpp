// Reports: products without photos, photo coverage, image counts. A product
// "has a photo" when an image that is not rejected is linked to it.
#include <soci/soci.h>

#include <map>

#include "adapters/soci/sql_rows.hpp"
#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {

Result<Page<Product>> SqlCatalogStore::products_without_photos(
    std::optional<RowId> collection_id, RowId after_id, std::size_t limit) {
  if (limit == 0 || limit > 100000) {
    return invalid_argument_error(
        "products_without_photos: limit must be 1..100000, not " +
        std::to_string(limit));
  }
  long long collection = collection_id.value_or(0), after = after_id;
  long long fetch = static_cast<long long>(limit) + 1;
  std::string query =
      "SELECT " + product_columns() + " FROM products p WHERE p.id > :after";
  if (collection_id) query += " AND p.collection_id = :c";
  query +=
      " AND NOT EXISTS (SELECT 1 FROM images i WHERE i.product_id = p.id AND "
      "i.status <> 'rejected') ORDER BY p.id LIMIT :lim";
  Page<Product> page;
  IMAGEBANK_RETURN_IF_ERROR(
      read("products_without_photos", [&](soci::session& sql) {
        page.items.clear();
        return fetch_rows<ProductRow>(
            sql, query,
            [&](soci::statement& st) {
              st.exchange(soci::use(after));
              if (collection_id) st.exchange(soci::use(collection));
              st.exchange(soci::use(fetch));
            },
            page.items);
      }));
  if (page.items.size() > limit) {
    page.items.pop_back();
    page.next_after = page.items.back().id;
  }
  return page;
}

Result<std::vector<Coverage>> SqlCatalogStore::coverage(
    std::optional<RowId> collection_id,
    std::span<const std::string> required_views) {
  constexpr std::size_t kMaxViews = 16;
  if (required_views.size() > kMaxViews) {
    return invalid_argument_error("coverage: at most " +
                                  std::to_string(kMaxViews) + " views, not " +
                                  std::to_string(required_views.size()));
  }
  for (const std::string& view : required_views) {
    IMAGEBANK_RETURN_IF_ERROR(check_text("view", view, 64, false));
  }
  // One pass over the linked images (the images_product index covers it):
  // per product, whether it has any photo and one of each view; then summed
  // per collection. Only fixed fragments are joined; the views are bound.
  std::string flags;
  std::string sums;
  for (std::size_t k = 0; k < required_views.size(); ++k) {
    const std::string n = std::to_string(k);
    flags += ", MAX(CASE WHEN view = :v" + n + " THEN 1 ELSE 0 END) AS v" + n;
    sums += ", COALESCE(SUM(f.v" + n + "), 0)";
  }
  const std::string query =
      "SELECT p.collection_id, COUNT(*), COALESCE(SUM(f.any_photo), 0)" + sums +
      " FROM products p LEFT JOIN (SELECT product_id, 1 AS any_photo" + flags +
      " FROM images WHERE product_id IS NOT NULL AND status <> 'rejected'" +
      " GROUP BY product_id) f ON f.product_id = p.id" +
      (collection_id ? " WHERE p.collection_id = :c" : "") +
      " GROUP BY p.collection_id";
  std::vector<Coverage> out;
  IMAGEBANK_RETURN_IF_ERROR(read("coverage", [&](soci::session& sql) {
    out.clear();
    long long collection = collection_id.value_or(0);
    {
      long long id = 0;
      std::string brand, name;
      soci::statement st(sql);
      st.exchange(soci::into(id));
      st.exchange(soci::into(brand));
      st.exchange(soci::into(name));
      if (collection_id) st.exchange(soci::use(collection));
      st.alloc();
      st.prepare(
          std::string(
              "SELECT c.id, b.name, c.name FROM collections c JOIN brands b "
              "ON b.id = c.brand_id") +
          (collection_id ? " WHERE c.id = :c" : "") + " ORDER BY c.id");
      st.define_and_bind();
      st.execute(false);
      while (st.fetch()) {
        Coverage c;
        c.collection_id = id;
        c.brand = brand;
        c.collection = name;
        for (const std::string& view : required_views)
          c.views.push_back({view, 0});
        out.push_back(std::move(c));
      }
    }
    if (collection_id && out.empty()) {
      return not_found_error("collection " + std::to_string(collection) +
                             " does not exist");
    }
    std::map<long long, std::size_t> index;
    for (std::size_t i = 0; i < out.size(); ++i)
      index[out[i].collection_id] = i;
    long long id = 0, products = 0, with_photo = 0;
    std::vector<long long> with_view(required_views.size());
    std::vector<std::string> views(required_views.begin(),
                                   required_views.end());
    soci::statement st(sql);
    st.exchange(soci::into(id));
    st.exchange(soci::into(products));
    st.exchange(soci::into(with_photo));
    for (long long& v : with_view) st.exchange(soci::into(v));
    for (const std::string& v : views) st.exchange(soci::use(v));
    if (collection_id) st.exchange(soci::use(collection));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      const auto it = index.find(id);
      if (it == index.end()) continue;
      Coverage& c = out[it->second];
      c.products = products;
      c.products_with_photo = with_photo;
      for (std::size_t k = 0; k < with_view.size(); ++k) {
        c.views[k].products_with_view = with_view[k];
      }
    }
    return Status();
  }));
  return out;
}

Result<std::vector<ImageCount>> SqlCatalogStore::image_counts(
    std::optional<RowId> collection_id) {
  std::vector<ImageCount> out;
  IMAGEBANK_RETURN_IF_ERROR(read("image_counts", [&](soci::session& sql) {
    out.clear();
    long long collection = collection_id.value_or(0), count = 0;
    std::string brand, name, status;
    soci::statement st(sql);
    st.exchange(soci::into(brand));
    st.exchange(soci::into(name));
    st.exchange(soci::into(status));
    st.exchange(soci::into(count));
    if (collection_id) st.exchange(soci::use(collection));
    st.alloc();
    // Counted from the (collection_id, status) index alone, then named:
    // joining a million rows to their collection first costs 10x more.
    st.prepare(
        "SELECT COALESCE(b.name, ''), COALESCE(c.name, ''), g.status, g.n "
        "FROM (SELECT collection_id, status, COUNT(*) AS n FROM images" +
        std::string(collection_id ? " WHERE collection_id = :c" : "") +
        " GROUP BY collection_id, status) g LEFT JOIN collections c ON c.id = "
        "g.collection_id LEFT JOIN brands b ON b.id = c.brand_id ORDER BY 1, "
        "2, 3");
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      IMAGEBANK_ASSIGN_OR_RETURN(ImageStatus s, parse_image_status(status));
      out.push_back(ImageCount{brand, name, s, count});
    }
    return Status();
  }));
  return out;
}

}  // namespace imagebank::sql
