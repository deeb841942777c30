# Sources of the sku module beyond sku.cpp (owned with src/sku/*).
target_sources(imagebank_sku PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/filename.cpp
  ${CMAKE_CURRENT_LIST_DIR}/known_skus.cpp
  ${CMAKE_CURRENT_LIST_DIR}/match.cpp
  ${CMAKE_CURRENT_LIST_DIR}/normalize.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rules.cpp)
