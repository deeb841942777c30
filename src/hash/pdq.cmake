# Sources of the hash module's pdq part (owned with src/hash/pdq*.cpp).
target_sources(imagebank_hash PRIVATE)
