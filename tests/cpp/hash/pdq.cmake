# Tests of the hash module's pdq part.
target_sources(hash_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/pdq_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pdq_internal_test.cpp)
