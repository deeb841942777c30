# Sources of the hash module's hash_index part (owned with src/hash/hash_index*.cpp).
target_sources(imagebank_hash PRIVATE)
