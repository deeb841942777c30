# imagebank_test_support: test data paths, the ground-truth tables and the
# crafting of hostile files. Shared by the tests and the benchmarks (the
# bad-input benchmark times the same files the tests reject), so it does not
# depend on GoogleTest.
if(NOT TARGET imagebank_test_support)
  find_package(ZLIB REQUIRED)  # CRCs of crafted PNGs
  add_library(imagebank_test_support STATIC ${CMAKE_CURRENT_LIST_DIR}/test_support.cpp)
  target_include_directories(imagebank_test_support PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
  target_link_libraries(imagebank_test_support
    PUBLIC imagebank::imagebank
    PRIVATE ZLIB::ZLIB imagebank_deps::jpeg)
  target_compile_definitions(imagebank_test_support PUBLIC
    IMAGEBANK_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    IMAGEBANK_TESTS_DIR="${PROJECT_SOURCE_DIR}/tests")
  imagebank_set_warnings(imagebank_test_support)
endif()
