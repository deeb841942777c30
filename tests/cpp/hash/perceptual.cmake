# Tests of the hash module's perceptual part.
target_sources(hash_tests PRIVATE)
