# The SQL CatalogStore/JobQueue adapters: the conformance suites on SQLite
# (unit) and on a real PostgreSQL server started in a temp directory
# (integration).
find_package(SOCI 4.0 REQUIRED COMPONENTS sqlite3 postgresql)
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS json)  # the export test reads JSONL

# The suites are compiled once and linked into both executables.
add_library(imagebank_catalog_conformance OBJECT
  catalog/api_keys_conformance.cpp
  catalog/catalog_store_conformance.cpp
  catalog/catalog_queries_conformance.cpp
  catalog/conflicts_conformance.cpp
  catalog/job_queue_conformance.cpp
  catalog/job_queue_failures_conformance.cpp
  bank/export_conformance.cpp)
target_link_libraries(imagebank_catalog_conformance PUBLIC imagebank_test_support
  GTest::gtest imagebank::adapters_soci imagebank::bank Boost::json)
imagebank_set_warnings(imagebank_catalog_conformance)
imagebank_soci_sanitizer_flags(imagebank_catalog_conformance)

imagebank_add_test(catalog_sqlite unit adapters/sqlite_catalog_test.cpp)
target_link_libraries(catalog_sqlite_tests PRIVATE imagebank_catalog_conformance
  imagebank::adapters_soci SOCI::sqlite3)

imagebank_add_test(catalog_postgres integration adapters/postgres_catalog_test.cpp)
target_link_libraries(catalog_postgres_tests PRIVATE imagebank_catalog_conformance
  imagebank::adapters_soci SOCI::postgresql)
target_compile_definitions(catalog_postgres_tests PRIVATE
  IMAGEBANK_PG_SERVER_SCRIPT="${PROJECT_SOURCE_DIR}/scripts/pg-test-server.sh")
imagebank_soci_sanitizer_flags(catalog_sqlite_tests)
imagebank_soci_sanitizer_flags(catalog_postgres_tests)
