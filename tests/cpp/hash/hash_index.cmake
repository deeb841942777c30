# Tests of the hash module's hash_index part.
target_sources(hash_tests PRIVATE)
