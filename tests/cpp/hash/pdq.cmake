# Tests of the hash module's pdq part.
target_sources(hash_tests PRIVATE)
