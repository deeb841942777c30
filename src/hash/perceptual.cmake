# Sources of the hash module's perceptual part (owned with src/hash/perceptual*.cpp).
target_sources(imagebank_hash PRIVATE)
