// Products by filters with their photo counts, and the near-duplicate pairs
// waiting for a person. Both filter in SQL with the existing indexes: the
// photo tests are EXISTS probes of images_product (product_id, status, view),
// the pairs walk the near_duplicates key in order and join images by id.
#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "adapters/soci/sql_rows.hpp"
#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {
namespace {

constexpr std::size_t kMaxLimit = 10000;

// Characters (code points) of valid UTF-8 text: what substr() counts in
// both databases.
int utf8_length(std::string_view text) {
  int n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// "a.id, a.sha256, ...": the image columns of the table aliased `alias`.
std::string image_columns_of(std::string_view alias) {
  std::string out;
  std::string_view columns = kImageColumns;
  while (!columns.empty()) {
    const std::size_t comma = columns.find(',');
    std::string_view column = columns.substr(0, comma);
    while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out += alias;
    out += '.';
    out += column;
    if (comma == std::string_view::npos) break;
    columns.remove_prefix(comma + 1);
  }
  return out;
}

// A photo of the product: linked and not rejected (coverage()'s rule).
constexpr char kPhotoOf[] =
    "SELECT 1 FROM images i WHERE i.product_id = p.id AND i.status <> "
    "'rejected'";

}  // namespace

Result<Page<ProductSummary>> SqlCatalogStore::query_products(
    const ProductQuery& query) {
  if (query.limit == 0 || query.limit > kMaxLimit) {
    return invalid_argument_error(
        "query_products: limit must be 1..10000, not " +
        std::to_string(query.limit));
  }
  if (query.sku_prefix) {
    IMAGEBANK_RETURN_IF_ERROR(
        check_text("sku prefix", *query.sku_prefix, 200, true));
  }
  if (query.missing_view) {
    IMAGEBANK_RETURN_IF_ERROR(
        check_text("view", *query.missing_view, 64, false));
  }
  // Only fixed fragments are joined; every value is bound.
  std::string sql_text =
      "SELECT " + product_columns() + " FROM products p WHERE p.id > :after";
  if (query.collection_id) sql_text += " AND p.collection_id = :c";
  if (query.brand_id) {
    sql_text +=
        " AND p.collection_id IN (SELECT id FROM collections WHERE brand_id "
        "= :b)";
  }
  const bool prefix = query.sku_prefix && !query.sku_prefix->empty();
  if (prefix) sql_text += " AND substr(p.sku, 1, :plen) = :prefix";
  if (query.has_photo) {
    sql_text += *query.has_photo ? " AND EXISTS (" : " AND NOT EXISTS (";
    sql_text += kPhotoOf;
    sql_text += ")";
  }
  if (query.missing_view) {
    sql_text += " AND NOT EXISTS (";
    sql_text += kPhotoOf;
    sql_text += " AND i.view = :v)";
  }
  sql_text += " ORDER BY p.id LIMIT :lim";

  std::vector<Product> products;
  std::vector<std::tuple<long long, std::string, long long>> counts;
  IMAGEBANK_RETURN_IF_ERROR(read("query_products", [&](soci::session& sql) {
    products.clear();
    counts.clear();
    long long after = query.after_id,
              collection = query.collection_id.value_or(0),
              brand = query.brand_id.value_or(0),
              fetch = static_cast<long long>(query.limit) + 1;
    int prefix_length = prefix ? utf8_length(*query.sku_prefix) : 0;
    std::string prefix_text = prefix ? *query.sku_prefix : std::string();
    std::string view = query.missing_view.value_or("");
    IMAGEBANK_RETURN_IF_ERROR(fetch_rows<ProductRow>(
        sql, sql_text,
        [&](soci::statement& st) {
          st.exchange(soci::use(after));
          if (query.collection_id) st.exchange(soci::use(collection));
          if (query.brand_id) st.exchange(soci::use(brand));
          if (prefix) {
            st.exchange(soci::use(prefix_length));
            st.exchange(soci::use(prefix_text));
          }
          if (query.missing_view) st.exchange(soci::use(view));
          st.exchange(soci::use(fetch));
        },
        products));
    if (products.empty()) return Status();
    // The page's ids are ours (integers read above), so listing them in
    // the text splices no outside value.
    std::string ids;
    for (const Product& p : products) {
      if (!ids.empty()) ids += ',';
      ids += std::to_string(p.id);
    }
    long long product = 0, n = 0;
    std::string photo_view;
    soci::statement st =
        (sql.prepare << "SELECT product_id, view, COUNT(*) FROM images WHERE "
                        "product_id IN (" +
                            ids +
                            ") AND status <> 'rejected' GROUP BY "
                            "product_id, view",
         soci::into(product), soci::into(photo_view), soci::into(n));
    st.execute(false);
    while (st.fetch()) counts.emplace_back(product, photo_view, n);
    return Status();
  }));

  Page<ProductSummary> page;
  if (products.size() > query.limit) {
    products.pop_back();
    page.next_after = products.back().id;
  }
  // By product, then view name in byte order (the same in both databases
  // whatever their collation).
  std::sort(counts.begin(), counts.end());
  std::map<RowId, std::size_t> index;
  page.items.reserve(products.size());
  for (Product& p : products) {
    index[p.id] = page.items.size();
    page.items.push_back(ProductSummary{std::move(p), 0, {}});
  }
  for (const auto& [product, view, n] : counts) {
    const auto it = index.find(product);
    if (it == index.end()) continue;
    ProductSummary& s = page.items[it->second];
    s.photos += n;
    s.views.push_back(ViewPhotos{view, n});
  }
  return page;
}

Result<std::vector<NearDuplicatePair>>
SqlCatalogStore::near_duplicates_to_review(std::optional<RowId> collection_id,
                                           RowId after_image_id,
                                           std::size_t limit) {
  if (limit == 0 || limit > kMaxLimit) {
    return invalid_argument_error(
        "near_duplicates_to_review: limit must be 1..10000, not " +
        std::to_string(limit));
  }
  // Awaiting a decision: a rejected photo settles the pair (the copy was
  // discarded), and so does approving both (they were found distinct).
  const std::string select =
      "SELECT n.image_id, n.other_image_id, n.distance, n.algorithm, " +
      image_columns_of("a") + ", " + image_columns_of("b") +
      " FROM near_duplicates n JOIN images a ON a.id = n.image_id JOIN "
      "images b ON b.id = n.other_image_id WHERE a.status <> 'rejected' AND "
      "b.status <> 'rejected' AND NOT (a.status = 'approved' AND b.status = "
      "'approved')" +
      (collection_id ? " AND (a.collection_id = :c OR b.collection_id = :c2)"
                     : "");
  std::vector<NearDuplicatePair> out;
  IMAGEBANK_RETURN_IF_ERROR(
      read("near_duplicates_to_review", [&](soci::session& sql) {
        out.clear();
        long long collection = collection_id.value_or(0);
        if (collection_id) {
          int exists = 0;
          sql << "SELECT COUNT(*) FROM collections WHERE id = :c",
              soci::into(exists), soci::use(collection);
          if (exists == 0) {
            return not_found_error("collection " + std::to_string(collection) +
                                   " does not exist");
          }
        }
        long long after = after_image_id, lim = static_cast<long long>(limit),
                  id = 0, other = 0;
        int distance = 0;
        std::string algorithm;
        ImageRow a, b;
        // Rows of the image the limit cut into are read whole, so the next
        // page (after_image_id = the last row's image_id) loses none.
        auto run = [&](const char* cond, bool limited) -> Status {
          soci::statement st(sql);
          st.exchange(soci::into(id));
          st.exchange(soci::into(other));
          st.exchange(soci::into(distance));
          st.exchange(soci::into(algorithm));
          a.exchange_into(st);
          b.exchange_into(st);
          if (collection_id) {
            st.exchange(soci::use(collection));
            st.exchange(soci::use(collection));
          }
          st.exchange(soci::use(after));
          if (limited) st.exchange(soci::use(lim));
          st.alloc();
          st.prepare(select + cond +
                     " ORDER BY n.image_id, n.other_image_id, n.algorithm" +
                     (limited ? " LIMIT :n" : ""));
          st.define_and_bind();
          st.execute(false);
          while (st.fetch()) {
            NearDuplicatePair pair;
            pair.pair = NearDuplicate{id, other, distance, algorithm};
            IMAGEBANK_ASSIGN_OR_RETURN(pair.image, a.to_image());
            IMAGEBANK_ASSIGN_OR_RETURN(pair.other, b.to_image());
            out.push_back(std::move(pair));
          }
          return Status();
        };
        IMAGEBANK_RETURN_IF_ERROR(run(" AND n.image_id > :a", true));
        if (out.size() == limit) {
          // Same snapshot, same order: the first `taken` rows of that
          // image are the ones the page already has.
          after = out.back().pair.image_id;
          const auto taken = static_cast<std::size_t>(std::count_if(
              out.begin(), out.end(), [&](const NearDuplicatePair& d) {
                return d.pair.image_id == after;
              }));
          std::vector<NearDuplicatePair> page = std::move(out);
          out.clear();
          IMAGEBANK_RETURN_IF_ERROR(run(" AND n.image_id = :a", false));
          page.insert(page.end(),
                      std::make_move_iterator(out.begin() +
                                              static_cast<std::ptrdiff_t>(
                                                  std::min(taken, out.size()))),
                      std::make_move_iterator(out.end()));
          out = std::move(page);
        }
        return Status();
      }));
  return out;
}

}  // namespace imagebank::sql
