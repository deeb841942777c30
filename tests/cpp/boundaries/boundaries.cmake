# Module boundaries (cmake/ImagebankTargets.cmake) are enforced by the
# compiler; these tests prove it stays so.
# - The control: a file including an image-private header builds with the
#   image module's include roots.
# - The check: the same file with the hash module's include roots must fail
#   to compile, because that header is not visible there. The target is
#   built by ctest (excluded from `all`); the test passes only on the
#   compiler's "No such file" for that header, not on any failure.
# - scripts/check-boundaries.sh: no include that escapes its module through
#   a relative path ("../../image/..."), and no test or benchmark reaching
#   into src/ by path.
add_library(imagebank_boundary_control OBJECT
  ${CMAKE_CURRENT_LIST_DIR}/private_header.cpp)
target_link_libraries(imagebank_boundary_control PRIVATE imagebank::image)
imagebank_use_private_headers(imagebank_boundary_control image)

add_library(imagebank_boundary_violation OBJECT EXCLUDE_FROM_ALL
  ${CMAKE_CURRENT_LIST_DIR}/private_header.cpp)
target_link_libraries(imagebank_boundary_violation PRIVATE imagebank::hash)
imagebank_use_private_headers(imagebank_boundary_violation hash)

add_test(NAME module_boundaries.cross_module_private_include_fails
  COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
    --target imagebank_boundary_violation)
set_tests_properties(module_boundaries.cross_module_private_include_fails
  PROPERTIES LABELS unit
    PASS_REGULAR_EXPRESSION "image/decode_formats.hpp: No such file")

add_test(NAME module_boundaries.no_relative_escapes
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-boundaries.sh)
set_tests_properties(module_boundaries.no_relative_escapes
  PROPERTIES LABELS unit)
