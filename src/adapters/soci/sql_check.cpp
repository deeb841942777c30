// What the integrity check reads (Bank::check): the objects the image rows
// name, in sha256 order over the images' UNIQUE index; which originals jobs
// still hold; the engine's own consistency check.
#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <string>

#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {
namespace {

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Result<std::vector<ImageBlobs>> SqlCatalogStore::image_blobs(
    std::string_view after_sha256, std::size_t limit) {
  if (limit == 0 || limit > 10000) {
    return invalid_argument_error("image_blobs: limit must be 1..10000, not " +
                                  std::to_string(limit));
  }
  std::vector<ImageBlobs> out;
  IMAGEBANK_RETURN_IF_ERROR(read("image_blobs", [&](soci::session& sql) {
    out.clear();
    std::string after(after_sha256), sha, key;
    long long lim = static_cast<long long>(limit), id = 0, bytes = 0;
    int width = 0, height = 0;
    {
      soci::statement st =
          (sql.prepare << "SELECT id, sha256, blob_key, bytes, width, height "
                          "FROM images WHERE sha256 > :a ORDER BY sha256 "
                          "LIMIT :n",
           soci::into(id), soci::into(sha), soci::into(key), soci::into(bytes),
           soci::into(width), soci::into(height), soci::use(after),
           soci::use(lim));
      st.execute(false);
      while (st.fetch()) {
        out.push_back(ImageBlobs{
            id,
            sha,
            BlobRef{key, static_cast<std::uint64_t>(std::max(bytes, 0LL)),
                    width, height},
            {}});
      }
    }
    if (out.empty()) return Status();
    // Integers read from the database: no outside text reaches the
    // statement.
    std::string ids;
    std::map<RowId, std::size_t> at;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (!ids.empty()) ids += ',';
      ids += std::to_string(out[i].id);
      at[out[i].id] = i;
    }
    soci::statement st =
        (sql.prepare << "SELECT image_id, blob_key, bytes, width, height FROM "
                        "variants WHERE image_id IN (" +
                            ids + ") ORDER BY image_id, blob_key",
         soci::into(id), soci::into(key), soci::into(bytes), soci::into(width),
         soci::into(height));
    st.execute(false);
    while (st.fetch()) {
      out[at.at(id)].variants.push_back(
          BlobRef{key, static_cast<std::uint64_t>(std::max(bytes, 0LL)), width,
                  height});
    }
    return Status();
  }));
  return out;
}

Result<std::vector<std::string>> SqlCatalogStore::job_sha256s(
    std::span<const std::string> sha256s) {
  if (sha256s.size() > 1000) {
    return invalid_argument_error("job_sha256s: at most 1000 sha256s, not " +
                                  std::to_string(sha256s.size()));
  }
  // Checked to be hex digits, so they may be written into the statement.
  std::string list;
  for (const std::string& sha : sha256s) {
    if (!is_sha256_hex(sha)) {
      return invalid_argument_error(
          "job_sha256s: not a SHA-256 in lowercase hex: '" + sha + "'");
    }
    if (!list.empty()) list += ',';
    list += '\'' + sha + '\'';
  }
  std::vector<std::string> out;
  if (list.empty()) return out;
  IMAGEBANK_RETURN_IF_ERROR(read("job_sha256s", [&](soci::session& sql) {
    out.clear();
    std::string sha;
    soci::statement st = (sql.prepare << "SELECT DISTINCT sha256 FROM jobs "
                                         "WHERE sha256 IN (" +
                                             list + ")",
                          soci::into(sha));
    st.execute(false);
    while (st.fetch()) out.push_back(sha);
    return Status();
  }));
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::optional<std::vector<std::string>>> SqlCatalogStore::check_database(
    bool thorough) {
  if (pool_->dialect() != Dialect::kSqlite) {
    return std::optional<std::vector<std::string>>();
  }
  std::vector<std::string> problems;
  IMAGEBANK_RETURN_IF_ERROR(read("check_database", [&](soci::session& sql) {
    problems.clear();
    std::string line;
    {
      soci::statement st = (sql.prepare << (thorough ? "PRAGMA integrity_check"
                                                     : "PRAGMA quick_check"),
                            soci::into(line));
      st.execute(false);
      while (st.fetch()) {
        if (line != "ok") problems.push_back(line);
      }
    }
    // table, rowid, parent table, foreign key index.
    std::string table, parent;
    long long rowid = 0;
    soci::indicator rowid_ind = soci::i_ok;
    int fk = 0;
    soci::statement st =
        (sql.prepare << "PRAGMA foreign_key_check", soci::into(table),
         soci::into(rowid, rowid_ind), soci::into(parent), soci::into(fk));
    st.execute(false);
    while (st.fetch()) {
      problems.push_back(table + " row " +
                         (rowid_ind == soci::i_null ? std::string("?")
                                                    : std::to_string(rowid)) +
                         " refers to a missing " + parent + " row");
    }
    return Status();
  }));
  return std::optional<std::vector<std::string>>(std::move(problems));
}

}  // namespace imagebank::sql
