# Sources of the hash module's pdq part (owned with src/hash/pdq*.cpp).
target_sources(imagebank_hash PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/pdq.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pdq_dct.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pdq_downsample.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pdq_exact.cpp)
# The per-pixel kernel of the downsample is compiled per SIMD target.
target_link_libraries(imagebank_hash PRIVATE imagebank_deps::hwy)
# No fused multiply-add: every SIMD target, the scalar code and the
# reference (built for plain x86-64) must round each product and sum alike.
set_source_files_properties(
  ${CMAKE_CURRENT_LIST_DIR}/pdq.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pdq_dct.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pdq_downsample.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pdq_exact.cpp
  PROPERTIES COMPILE_OPTIONS
    "$<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:-ffp-contract=off>")
