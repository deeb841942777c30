// Column lists and row buffers of the SQL adapters: one place that knows
// which columns make an ImageRecord or a Product and in what order. Internal.
#pragma once

#include <soci/soci.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <string>

#include "imagebank/catalog/types.hpp"

namespace imagebank::sql {

inline long long to_sql(std::uint64_t v) { return std::bit_cast<long long>(v); }
inline std::uint64_t from_sql(long long v) {
  return std::bit_cast<std::uint64_t>(v);
}

std::string pdq_to_text(const PdqBytes& pdq);
Result<PdqBytes> pdq_from_text(const std::string& text);

inline constexpr char kImageColumns[] =
    "id, sha256, phash, dhash, pdq, pdq_quality, width, height, format, "
    "bytes, original_name, sku_base, sequence, view, product_id, "
    "collection_id, batch_id, blob_key, status, created_ms, updated_ms, "
    "decode_tolerance";

// Receives one images row (statement.exchange(into(...)) of every column).
struct ImageRow {
  long long id = 0;
  std::string sha256;
  long long phash = 0, dhash = 0;
  std::string pdq;
  int pdq_quality = 0, width = 0, height = 0;
  std::string format;
  long long bytes = 0;
  std::string original_name, sku_base;
  int sequence = 0;
  std::string view;
  long long product_id = 0, collection_id = 0, batch_id = 0;
  soci::indicator product_ind = soci::i_null, collection_ind = soci::i_null,
                  batch_ind = soci::i_null;
  std::string blob_key, status;
  long long created_ms = 0, updated_ms = 0;
  std::string decode_tolerance;

  void exchange_into(soci::statement& st);
  Result<ImageRecord> to_image() const;
};

// "id, collection_id, sku, sku_base, <kCarteiraFieldTable's names>, extra,
// carteira_import_id, created_ms, updated_ms": what ProductRow receives.
const std::string& product_columns();
// "nome_peca, categoria, ...": the Carteira field columns in table order.
const std::string& carteira_field_columns();

struct ProductRow {
  long long id = 0, collection_id = 0;
  std::string sku, sku_base;
  CarteiraFields fields;
  std::string extra;
  long long carteira_import_id = 0;
  soci::indicator import_ind = soci::i_null;
  long long created_ms = 0, updated_ms = 0;

  void exchange_into(soci::statement& st);
  Result<Product> to_product() const;
};

// Runs `query` (which selects the Row's columns) with `bind` adding its
// uses, and appends every row to `out`. Each fetch overwrites every column
// and indicator of `row`, so one buffer serves all rows.
template <typename Row, typename Out, typename Bind>
Status fetch_rows(soci::session& sql, const std::string& query, Bind&& bind,
                  Out& out) {
  Row row;
  soci::statement st(sql);
  row.exchange_into(st);
  bind(st);
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    if constexpr (std::is_same_v<Row, ImageRow>) {
      IMAGEBANK_ASSIGN_OR_RETURN(auto item, row.to_image());
      out.push_back(std::move(item));
    } else {
      IMAGEBANK_ASSIGN_OR_RETURN(auto item, row.to_product());
      out.push_back(std::move(item));
    }
  }
  return {};
}

}  // namespace imagebank::sql
