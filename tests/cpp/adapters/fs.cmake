# BlobStore: key rules, the conformance suite (memory and fs adapters), and
# the fs adapter's own tests (including a full disk on a small tmpfs).
imagebank_add_test(blob_store unit
  catalog/blob_keys_test.cpp
  catalog/blob_store_conformance.cpp
  catalog/memory_blob_store_test.cpp
  adapters/fs_blob_store_test.cpp
  adapters/fs_full_disk_test.cpp)
target_link_libraries(blob_store_tests PRIVATE imagebank::adapters_fs imagebank::catalog)
imagebank_use_private_headers(blob_store_tests adapters_fs)
