# Tests of the carteira module beyond carteira_test.cpp.
target_sources(carteira_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/csv_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/headers_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/office_files_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pipe_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/values_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xlsx_test.cpp)
