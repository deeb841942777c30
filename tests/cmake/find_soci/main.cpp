// Opens an in-memory SQLite database through SOCI and round-trips a value.
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cstdio>
#include <string>

int main() {
  soci::session sql(*soci::factory_sqlite3(), ":memory:");
  sql << "CREATE TABLE t (sku TEXT)";
  const std::string in = "ABC123";
  sql << "INSERT INTO t (sku) VALUES (:v)", soci::use(in);
  std::string out;
  sql << "SELECT sku FROM t", soci::into(out);
  std::printf("%s\n", out.c_str());
  return out == in ? 0 : 1;
}
