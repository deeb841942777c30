# Sources of the hash module's perceptual part (owned with src/hash/perceptual*.cpp).
target_sources(imagebank_hash PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/perceptual.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pillow_imagehash.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pillow_kernels.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pillow_resample.cpp)
# The grey images come from the image module (imagebank/image/grey.hpp);
# Pillow's resampler runs SIMD kernels per Highway target.
target_link_libraries(imagebank_hash PRIVATE imagebank_deps::hwy)
# scipy's DCT is reproduced bit for bit: no fused multiply-adds.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/pillow_imagehash.cpp
  PROPERTIES COMPILE_OPTIONS "-ffp-contract=off")
