// The pages an export reads besides query_products: the images of a page of
// products (one IN list over the images_product index) and the views a
// scope's photos show (the export's columns, known before the first row).
#include <soci/soci.h>

#include <algorithm>
#include <string>

#include "adapters/soci/sql_rows.hpp"
#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {

Result<std::vector<ImageRecord>> SqlCatalogStore::images_of_products(
    std::span<const RowId> product_ids) {
  if (product_ids.empty() || product_ids.size() > 10000) {
    return invalid_argument_error(
        "images_of_products: 1..10000 product ids, not " +
        std::to_string(product_ids.size()));
  }
  // Integers printed by us: no outside text reaches the statement.
  std::string ids;
  for (RowId id : product_ids) {
    if (!ids.empty()) ids += ',';
    ids += std::to_string(id);
  }
  std::vector<ImageRecord> out;
  IMAGEBANK_RETURN_IF_ERROR(read("images_of_products", [&](soci::session& sql) {
    out.clear();
    return fetch_rows<ImageRow>(
        sql,
        std::string("SELECT ") + kImageColumns +
            " FROM images WHERE product_id IN (" + ids +
            ") ORDER BY product_id, view, sequence, id",
        [](soci::statement&) {}, out);
  }));
  return out;
}

Result<PhotoViews> SqlCatalogStore::photo_views(
    std::optional<RowId> collection_id, std::optional<RowId> brand_id) {
  std::string scope;
  if (collection_id) scope += " AND p.collection_id = :c";
  if (brand_id) {
    scope +=
        " AND p.collection_id IN (SELECT id FROM collections WHERE brand_id = "
        ":b)";
  }
  PhotoViews out;
  IMAGEBANK_RETURN_IF_ERROR(read("photo_views", [&](soci::session& sql) {
    out = PhotoViews{};
    long long collection = collection_id.value_or(0),
              brand = brand_id.value_or(0);
    auto bind = [&](soci::statement& st) {
      if (collection_id) st.exchange(soci::use(collection));
      if (brand_id) st.exchange(soci::use(brand));
    };
    std::string view;
    {
      soci::statement st(sql);
      st.exchange(soci::into(view));
      bind(st);
      st.alloc();
      st.prepare(
          "SELECT DISTINCT i.view FROM images i JOIN products p ON p.id = "
          "i.product_id WHERE i.status <> 'rejected'" +
          scope);
      st.define_and_bind();
      st.execute(false);
      while (st.fetch()) out.views.push_back(view);
    }
    int found = 0;
    soci::indicator found_ind = soci::i_null;
    soci::statement st(sql);
    st.exchange(soci::into(found, found_ind));
    bind(st);
    st.alloc();
    st.prepare(
        "SELECT 1 FROM ai_analyses a JOIN images i ON i.id = a.image_id JOIN "
        "products p ON p.id = i.product_id WHERE a.item_position IS NULL AND "
        "a.error_code = '' AND i.status <> 'rejected'" +
        scope + " LIMIT 1");
    st.define_and_bind();
    st.execute(true);
    out.analysed = st.got_data() && found_ind == soci::i_ok;
    return Status();
  }));
  // Byte order, the same in both databases whatever their collation.
  std::sort(out.views.begin(), out.views.end());
  return out;
}

}  // namespace imagebank::sql
