# The SQL CatalogStore adapters (SQLite, PostgreSQL) through SOCI.
find_package(SOCI 4.0 REQUIRED COMPONENTS sqlite3 postgresql)
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS json)
imagebank_add_module(adapters_soci DIR adapters/soci
  SOURCES
    adapters/soci/sql_api_keys.cpp
    adapters/soci/sql_bulk.cpp
    adapters/soci/sql_connection.cpp
    adapters/soci/sql_json.cpp
    adapters/soci/sql_schema.cpp
    adapters/soci/sql_store.cpp
    adapters/soci/sql_products.cpp
    adapters/soci/sql_images.cpp
    adapters/soci/sql_details.cpp
    adapters/soci/sql_reports.cpp
    adapters/soci/sql_product_query.cpp
    adapters/soci/sql_export.cpp
    adapters/soci/sql_jobs.cpp
    adapters/soci/sql_jobs_add.cpp
    adapters/soci/sql_jobs_lease.cpp
    adapters/soci/sql_jobs_content.cpp
    adapters/soci/sql_check.cpp
    adapters/soci/sql_conflicts.cpp
  PUBLIC_DEPS imagebank::catalog
  PRIVATE_DEPS SOCI::sqlite3 SOCI::postgresql Boost::json)
# UBSan's vptr check needs the typeinfo of SOCI's polymorphic classes, which
# Debian's libsoci does not export: leave that one check out for code that
# uses SOCI types.
function(imagebank_soci_sanitizer_flags target)
  if(CMAKE_CXX_FLAGS MATCHES "fsanitize=[^ ]*undefined")
    target_compile_options(${target} PRIVATE -fno-sanitize=vptr)
  endif()
endfunction()
imagebank_soci_sanitizer_flags(imagebank_adapters_soci)
