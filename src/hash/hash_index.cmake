# Sources of the hash module's hash_index part (owned with src/hash/hash_index*.cpp).
target_sources(imagebank_hash PRIVATE
  hash/hash_index.cpp
  hash/hash_index_build.cpp
  hash/hash_index_file.cpp
  hash/hash_index_kernels.cpp
  hash/hash_index_plan.cpp
  hash/hash_index_segment.cpp
  hash/hash_index_write.cpp)
