# The facade: wires the adapters from URIs, Carteira imports, reports.
imagebank_add_module(bank
  SOURCES
    bank/bank.cpp
    bank/bank_analyze.cpp
    bank/bank_conflicts.cpp
    bank/bank_ingest.cpp
    bank/bank_review.cpp
    bank/check.cpp
    bank/export.cpp
    bank/export_columns.cpp
    bank/export_text.cpp
    bank/export_xlsx.cpp
  PUBLIC_DEPS imagebank::catalog imagebank::carteira imagebank::ingest
    imagebank::serve
  PRIVATE_DEPS imagebank::adapters_soci imagebank::adapters_fs
    imagebank::adapters_s3 imagebank::adapters_vision imagebank::adapters_http Boost::json
    imagebank_deps::xlsxwriter)
