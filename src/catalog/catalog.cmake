# Sources of the catalog module beyond catalog/blob_store.cpp.
target_sources(imagebank_catalog PRIVATE
  catalog/jobs.cpp
  catalog/memory_blob_store.cpp
  catalog/types.cpp)
