# Sources of the catalog module beyond catalog/blob_store.cpp.
target_sources(imagebank_catalog PRIVATE
  catalog/api_keys.cpp
  catalog/conflicts.cpp
  catalog/jobs.cpp
  catalog/memory_blob_store.cpp
  catalog/types.cpp
  catalog/vision.cpp)
