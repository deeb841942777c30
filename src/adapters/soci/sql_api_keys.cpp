// API keys: stored as the SHA-256 of the key, found by their public prefix.
#include <soci/soci.h>

#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {
namespace {

constexpr const char* kColumns =
    "id, name, prefix, secret_hash, scopes, created_ms, revoked_ms";

struct KeyRow {
  long long id = 0;
  std::string name, prefix, hash, scopes;
  long long created_ms = 0;
  long long revoked_ms = 0;
  soci::indicator revoked_ind = soci::i_null;

  void exchange_into(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(name));
    st.exchange(soci::into(prefix));
    st.exchange(soci::into(hash));
    st.exchange(soci::into(scopes));
    st.exchange(soci::into(created_ms));
    st.exchange(soci::into(revoked_ms, revoked_ind));
  }

  Result<ApiKeyRecord> to_record() const {
    ApiKeyRecord out;
    out.id = id;
    out.name = name;
    out.prefix = prefix;
    out.secret_hash = hash;
    auto parsed = parse_api_scopes(scopes);
    if (!parsed.ok()) {
      return corrupt_data_error(
          "API key " + prefix +
          " has unreadable scopes: " + parsed.status().message());
    }
    out.scopes = std::move(parsed).value();
    out.created_ms = created_ms;
    if (revoked_ind == soci::i_ok) out.revoked_ms = revoked_ms;
    return out;
  }
};

// The keys a query selects; `bind` binds its parameters.
template <typename Bind>
Status fetch_keys(soci::session& sql, const std::string& query, Bind&& bind,
                  std::vector<ApiKeyRecord>& out) {
  out.clear();
  KeyRow row;
  soci::statement st(sql);
  row.exchange_into(st);
  bind(st);
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    IMAGEBANK_ASSIGN_OR_RETURN(ApiKeyRecord key, row.to_record());
    out.push_back(std::move(key));
  }
  return Status();
}

Result<ApiKeyRecord> load_key(soci::session& sql, std::string_view prefix) {
  std::vector<ApiKeyRecord> found;
  std::string key(prefix);
  IMAGEBANK_RETURN_IF_ERROR(fetch_keys(
      sql,
      std::string("SELECT ") + kColumns + " FROM api_keys WHERE prefix = :p",
      [&](soci::statement& st) { st.exchange(soci::use(key)); }, found));
  if (found.empty()) {
    return not_found_error("no API key with prefix '" +
                           std::string(prefix.substr(0, 64)) + "'");
  }
  return std::move(found.front());
}

}  // namespace

Result<ApiKeyRecord> SqlCatalogStore::insert_api_key(const ApiKeyRecord& key) {
  IMAGEBANK_RETURN_IF_ERROR(validate_api_key_record(key));
  ApiKeyRecord out = key;
  IMAGEBANK_RETURN_IF_ERROR(write("insert_api_key", [&](soci::session& sql) {
    const long long at = now_ms();
    const std::string scopes = api_scopes_text(key.scopes);
    long long id = 0;
    soci::indicator ind = soci::i_null;
    soci::statement st =
        (sql.prepare << "INSERT INTO api_keys (name, prefix, secret_hash, "
                        "scopes, created_ms) VALUES (:n, :p, :h, :s, :t) "
                        "ON CONFLICT (prefix) DO NOTHING RETURNING id",
         soci::into(id, ind), soci::use(out.name), soci::use(out.prefix),
         soci::use(out.secret_hash), soci::use(scopes), soci::use(at));
    if (!st.execute(true) || ind != soci::i_ok) {
      return conflict_error("an API key with prefix '" + out.prefix +
                            "' already exists");
    }
    out.id = id;
    out.created_ms = at;
    out.revoked_ms.reset();
    return Status();
  }));
  return out;
}

Result<std::vector<ApiKeyRecord>> SqlCatalogStore::api_keys() {
  std::vector<ApiKeyRecord> out;
  IMAGEBANK_RETURN_IF_ERROR(read("api_keys", [&](soci::session& sql) {
    return fetch_keys(
        sql, std::string("SELECT ") + kColumns + " FROM api_keys ORDER BY id",
        [](soci::statement&) {}, out);
  }));
  return out;
}

Result<ApiKeyRecord> SqlCatalogStore::find_api_key(std::string_view prefix) {
  ApiKeyRecord out;
  IMAGEBANK_RETURN_IF_ERROR(read("find_api_key", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_key(sql, prefix));
    return Status();
  }));
  return out;
}

Result<ApiKeyRecord> SqlCatalogStore::revoke_api_key(std::string_view prefix) {
  ApiKeyRecord out;
  IMAGEBANK_RETURN_IF_ERROR(write("revoke_api_key", [&](soci::session& sql) {
    const long long at = now_ms();
    std::string key(prefix);
    sql << "UPDATE api_keys SET revoked_ms = :t WHERE prefix = :p AND "
           "revoked_ms IS NULL",
        soci::use(at), soci::use(key);
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_key(sql, prefix));
    return Status();
  }));
  return out;
}

}  // namespace imagebank::sql
