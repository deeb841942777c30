// Products: Carteira imports, lookups, renames.
#include <soci/soci.h>

#include <set>

#include "adapters/soci/sql_json.hpp"
#include "adapters/soci/sql_rows.hpp"
#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {
namespace {

Status check_fields(const ProductUpsert& p) {
  IMAGEBANK_RETURN_IF_ERROR(check_text("sku", p.sku, 200, false));
  IMAGEBANK_RETURN_IF_ERROR(check_text("sku_base", p.sku_base, 200, true));
  for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
    IMAGEBANK_RETURN_IF_ERROR(
        check_text("field of " + p.sku, p.fields.*f.member, 64 * 1024, true));
  }
  for (const auto& [key, value] : p.extra) {
    IMAGEBANK_RETURN_IF_ERROR(
        check_text("extra column name", key, 1024, false));
    IMAGEBANK_RETURN_IF_ERROR(
        check_text("extra value", value, 64 * 1024, true));
  }
  return {};
}

// The statements of an import, with one placeholder per Carteira field
// (:f1, :f2, ...) in table order; bound by position.
std::string field_placeholders(bool assign) {
  std::string out;
  int n = 0;
  for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
    if (n > 0) out += ", ";
    if (assign) out += std::string(f.name) + " = ";
    out += ":f" + std::to_string(++n);
  }
  return out;
}

const std::string& insert_product_sql() {
  static const std::string kSql =
      "INSERT INTO products (collection_id, sku, sku_base, " +
      carteira_field_columns() +
      ", extra, carteira_import_id, created_ms, updated_ms) VALUES (:c, :s, "
      ":b, " +
      field_placeholders(false) + ", :x, :imp, :t1, :t2)";
  return kSql;
}

const std::string& update_product_sql() {
  static const std::string kSql =
      "UPDATE products SET sku_base = :b, " + field_placeholders(true) +
      ", extra = :x, carteira_import_id = :imp, updated_ms = :t WHERE id = :i";
  return kSql;
}

}  // namespace

Result<Product> ProductRow::to_product() const {
  Product out;
  out.id = id;
  out.collection_id = collection_id;
  out.sku = sku;
  out.sku_base = sku_base;
  out.fields = fields;
  IMAGEBANK_ASSIGN_OR_RETURN(out.extra, map_from_json(extra));
  out.carteira_import_id = import_ind == soci::i_ok ? carteira_import_id : 0;
  out.created_ms = created_ms;
  out.updated_ms = updated_ms;
  return out;
}

Result<Product> load_product(soci::session& sql, RowId id) {
  std::vector<Product> found;
  long long key = id;
  IMAGEBANK_RETURN_IF_ERROR(fetch_rows<ProductRow>(
      sql, "SELECT " + product_columns() + " FROM products WHERE id = :i",
      [&](soci::statement& st) { st.exchange(soci::use(key)); }, found));
  if (found.empty()) {
    return not_found_error("product " + std::to_string(id) + " does not exist");
  }
  return std::move(found.front());
}

Result<CarteiraImport> SqlCatalogStore::import_products(
    const CarteiraImportRequest& request) {
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("carteira file", request.file, 4096, true));
  IMAGEBANK_RETURN_IF_ERROR(check_text("actor", request.actor, 200, false));
  std::set<std::string_view> seen;
  for (const ProductUpsert& p : request.products) {
    IMAGEBANK_RETURN_IF_ERROR(check_fields(p));
    if (!seen.insert(p.sku).second) {
      return invalid_argument_error("SKU '" + p.sku +
                                    "' appears twice in the import");
    }
  }
  CarteiraImport out;
  out.collection_id = request.collection_id;
  out.file = request.file;
  out.sheets = request.sheets;
  out.rows = request.rows;
  out.issues = request.issues;
  IMAGEBANK_RETURN_IF_ERROR(write("import_products", [&](soci::session& sql) {
    out.products_created = out.products_updated = 0;
    const long long collection = request.collection_id;
    const long long at = now_ms();
    int exists = 0;
    sql << "SELECT COUNT(*) FROM collections WHERE id = :c", soci::into(exists),
        soci::use(collection);
    if (exists == 0) {
      return not_found_error("collection " + std::to_string(collection) +
                             " does not exist");
    }
    const std::string sheets = to_json(request.sheets);
    long long import_id = 0;
    sql << "INSERT INTO carteira_imports (collection_id, file, sheets, "
           "row_count, issue_count, products_created, products_updated, "
           "imported_ms) VALUES (:c, :f, :s, :r, :i, 0, 0, :t) RETURNING id",
        soci::use(collection), soci::use(out.file), soci::use(sheets),
        soci::use(out.rows), soci::use(out.issues), soci::use(at),
        soci::into(import_id);

    // Statements prepared once and run per product with these buffers.
    std::string sku, sku_base, extra, old_base;
    CarteiraFields f;
    long long product_id = 0;
    soci::statement find =
        (sql.prepare << "SELECT id, sku_base FROM products "
                        "WHERE collection_id = :c AND sku = :s",
         soci::into(product_id), soci::into(old_base), soci::use(collection),
         soci::use(sku));
    auto field_uses = [&](auto& st) {
      for (const CarteiraFieldMember& field : kCarteiraFieldTable) {
        st.exchange(soci::use(f.*field.member));
      }
    };
    soci::statement insert(sql);
    insert.exchange(soci::use(collection));
    insert.exchange(soci::use(sku));
    insert.exchange(soci::use(sku_base));
    field_uses(insert);
    insert.exchange(soci::use(extra));
    insert.exchange(soci::use(import_id));
    insert.exchange(soci::use(at));
    insert.exchange(soci::use(at));
    insert.alloc();
    insert.prepare(insert_product_sql());
    insert.define_and_bind();
    soci::statement update(sql);
    update.exchange(soci::use(sku_base));
    field_uses(update);
    update.exchange(soci::use(extra));
    update.exchange(soci::use(import_id));
    update.exchange(soci::use(at));
    update.exchange(soci::use(product_id));
    update.alloc();
    update.prepare(update_product_sql());
    update.define_and_bind();

    for (const ProductUpsert& p : request.products) {
      sku = p.sku;
      sku_base = p.sku_base.empty() ? p.sku : p.sku_base;
      f = p.fields;
      extra = to_json(p.extra);
      find.execute(true);
      if (!find.got_data()) {
        insert.execute(true);
        ++out.products_created;
        continue;
      }
      update.execute(true);
      ++out.products_updated;
      if (old_base != sku_base) {
        IMAGEBANK_RETURN_IF_ERROR(
            add_history(sql, SkuSubject::kProduct, product_id, old_base,
                        sku_base, request.actor,
                        "sku_base changed by the import of " + request.file));
      }
    }
    sql << "UPDATE carteira_imports SET products_created = :c, "
           "products_updated = :u WHERE id = :i",
        soci::use(out.products_created), soci::use(out.products_updated),
        soci::use(import_id);
    out.id = import_id;
    out.imported_ms = at;
    return Status();
  }));
  return out;
}

Result<Product> SqlCatalogStore::get_product(RowId id) {
  Product out;
  IMAGEBANK_RETURN_IF_ERROR(read("get_product", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_product(sql, id));
    return Status();
  }));
  return out;
}

Result<Product> SqlCatalogStore::find_product(RowId collection_id,
                                              std::string_view sku) {
  IMAGEBANK_RETURN_IF_ERROR(check_text("sku", sku, 200, false));
  std::vector<Product> found;
  IMAGEBANK_RETURN_IF_ERROR(read("find_product", [&](soci::session& sql) {
    found.clear();
    long long collection = collection_id;
    std::string s(sku);
    return fetch_rows<ProductRow>(
        sql,
        "SELECT " + product_columns() +
            " FROM products WHERE collection_id = :c AND sku = :s",
        [&](soci::statement& st) {
          st.exchange(soci::use(collection));
          st.exchange(soci::use(s));
        },
        found);
  }));
  if (found.empty()) {
    return not_found_error("no product with SKU '" + std::string(sku) +
                           "' in collection " + std::to_string(collection_id));
  }
  return std::move(found.front());
}

Result<std::vector<Product>> SqlCatalogStore::products_by_sku_base(
    RowId collection_id, std::string_view sku_base) {
  IMAGEBANK_RETURN_IF_ERROR(check_text("sku_base", sku_base, 200, false));
  std::vector<Product> found;
  IMAGEBANK_RETURN_IF_ERROR(
      read("products_by_sku_base", [&](soci::session& sql) {
        found.clear();
        long long collection = collection_id;
        std::string base(sku_base), sku(sku_base);
        return fetch_rows<ProductRow>(
            sql,
            "SELECT " + product_columns() +
                " FROM products WHERE collection_id = :c AND (sku_base = :b OR "
                "sku = :s) ORDER BY id",
            [&](soci::statement& st) {
              st.exchange(soci::use(collection));
              st.exchange(soci::use(base));
              st.exchange(soci::use(sku));
            },
            found);
      }));
  return found;
}

Result<Product> SqlCatalogStore::rename_product(RowId product_id,
                                                std::string_view new_sku,
                                                std::string_view actor,
                                                std::string_view reason) {
  IMAGEBANK_RETURN_IF_ERROR(check_text("sku", new_sku, 200, false));
  IMAGEBANK_RETURN_IF_ERROR(check_text("actor", actor, 200, false));
  IMAGEBANK_RETURN_IF_ERROR(check_text("reason", reason, 4096, true));
  Product out;
  IMAGEBANK_RETURN_IF_ERROR(write("rename_product", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(Product old, load_product(sql, product_id));
    if (old.sku == new_sku) {
      out = std::move(old);
      return Status();
    }
    const std::string sku(new_sku);
    long long collection = old.collection_id, id = product_id;
    int clash = 0;
    sql << "SELECT COUNT(*) FROM products WHERE collection_id = :c AND sku = "
           ":s",
        soci::into(clash), soci::use(collection), soci::use(sku);
    if (clash != 0) {
      return conflict_error("collection " + std::to_string(collection) +
                            " already has a product with SKU '" + sku + "'");
    }
    const long long at = now_ms();
    sql << "UPDATE products SET sku = :s, updated_ms = :t WHERE id = :i",
        soci::use(sku), soci::use(at), soci::use(id);
    IMAGEBANK_RETURN_IF_ERROR(add_history(sql, SkuSubject::kProduct, product_id,
                                          old.sku, sku, actor, reason));
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_product(sql, product_id));
    return Status();
  }));
  return out;
}

Result<std::vector<CarteiraImport>> SqlCatalogStore::carteira_imports(
    RowId collection_id) {
  std::vector<CarteiraImport> out;
  IMAGEBANK_RETURN_IF_ERROR(read("carteira_imports", [&](soci::session& sql) {
    out.clear();
    CarteiraImport row;
    long long collection = collection_id;
    std::string sheets;
    soci::statement st =
        (sql.prepare << "SELECT id, file, sheets, row_count, issue_count, "
                        "products_created, products_updated, imported_ms FROM "
                        "carteira_imports WHERE collection_id = :c ORDER BY id",
         soci::into(row.id), soci::into(row.file), soci::into(sheets),
         soci::into(row.rows), soci::into(row.issues),
         soci::into(row.products_created), soci::into(row.products_updated),
         soci::into(row.imported_ms), soci::use(collection));
    st.execute(false);
    while (st.fetch()) {
      row.collection_id = collection_id;
      IMAGEBANK_ASSIGN_OR_RETURN(row.sheets, list_from_json(sheets));
      out.push_back(row);
    }
    return Status();
  }));
  return out;
}

Result<Page<Product>> SqlCatalogStore::list_products(RowId collection_id,
                                                     RowId after_id,
                                                     std::size_t limit) {
  if (limit == 0 || limit > 10000) {
    return invalid_argument_error(
        "list_products: limit must be 1..10000, not " + std::to_string(limit));
  }
  Page<Product> page;
  IMAGEBANK_RETURN_IF_ERROR(read("list_products", [&](soci::session& sql) {
    page.items.clear();
    long long collection = collection_id, after = after_id,
              fetch = static_cast<long long>(limit) + 1;
    return fetch_rows<ProductRow>(
        sql,
        "SELECT " + product_columns() +
            " FROM products WHERE collection_id = :c AND id > :a ORDER BY id "
            "LIMIT :n",
        [&](soci::statement& st) {
          st.exchange(soci::use(collection));
          st.exchange(soci::use(after));
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

}  // namespace imagebank::sql
