# Tests of the hash module's hash_index part.
target_sources(hash_tests PRIVATE
  hash/hash_index_test.cpp
  hash/hash_index_equivalence_test.cpp
  hash/hash_index_file_test.cpp
  hash/hash_index_concurrency_test.cpp)
