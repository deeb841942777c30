# The facade: wires the adapters from URIs, Carteira imports, reports.
imagebank_add_module(bank
  SOURCES
    bank/bank.cpp
    bank/bank_ingest.cpp
  PUBLIC_DEPS imagebank::catalog imagebank::carteira imagebank::ingest
    imagebank::adapters_soci
  PRIVATE_DEPS imagebank::adapters_fs imagebank::adapters_s3)
