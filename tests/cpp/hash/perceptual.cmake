# Tests of the hash module's perceptual part.
target_sources(hash_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/perceptual_test.cpp)
