# Ingest: two-phase resumable batches over the catalog and blob interfaces.
imagebank_add_module(ingest
  SOURCES
    ingest/analysis.cpp
    ingest/catalog_wait.cpp
    ingest/conflicts.cpp
    ingest/near_index.cpp
    ingest/prepare_vision.cpp
    ingest/options.cpp
    ingest/process.cpp
    ingest/receive.cpp
    ingest/receive_only.cpp
    ingest/reconcile.cpp
    ingest/upload.cpp
    ingest/url_batch.cpp
    ingest/url_fetch.cpp
    ingest/url_list.cpp
    ingest/vision_chain.cpp
    ingest/worker.cpp
  PUBLIC_DEPS imagebank::catalog imagebank::variants imagebank::hash
    imagebank::sku imagebank::carteira)
