# Tests of the sku module beyond sku_test.cpp.
target_sources(sku_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/known_skus_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/match_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rules_test.cpp)
