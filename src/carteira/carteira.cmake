# Sources of the carteira module beyond carteira.cpp (owned with src/carteira/*).
target_sources(imagebank_carteira PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/builder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cell_values.cpp
  ${CMAKE_CURRENT_LIST_DIR}/csv_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fields.cpp
  ${CMAKE_CURRENT_LIST_DIR}/headers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ods_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/read_ahead.cpp
  ${CMAKE_CURRENT_LIST_DIR}/row_pipe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/shared_strings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sheet_xml.cpp
  ${CMAKE_CURRENT_LIST_DIR}/styles.cpp
  ${CMAKE_CURRENT_LIST_DIR}/text_table.cpp
  ${CMAKE_CURRENT_LIST_DIR}/text_decode.cpp
  ${CMAKE_CURRENT_LIST_DIR}/values.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xls_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xlsx_package.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xlsx_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xml_stream.cpp
  ${CMAKE_CURRENT_LIST_DIR}/zip_archive.cpp)

# imagebank-xls-reader: the child process that reads legacy .xls with
# libfreexl (xls_child.hpp). The library looks for it next to the binary
# that holds it, in ../libexec/imagebank from there, then where the install
# and the build tree put it.
add_executable(imagebank_xls_reader
  ${CMAKE_CURRENT_LIST_DIR}/xls_helper_main.cpp)
set_target_properties(imagebank_xls_reader PROPERTIES
  OUTPUT_NAME imagebank-xls-reader
  RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/libexec/imagebank)
imagebank_use_private_headers(imagebank_xls_reader carteira)
target_link_libraries(imagebank_xls_reader PRIVATE imagebank_deps::freexl)
imagebank_set_warnings(imagebank_xls_reader)
add_dependencies(imagebank_carteira imagebank_xls_reader)
target_compile_definitions(imagebank_carteira PRIVATE
  "IMAGEBANK_XLS_READER_INSTALLED=\"${CMAKE_INSTALL_FULL_LIBEXECDIR}/imagebank/imagebank-xls-reader\""
  "IMAGEBANK_XLS_READER_BUILT=\"$<TARGET_FILE:imagebank_xls_reader>\"")
if(IMAGEBANK_INSTALL)
  install(TARGETS imagebank_xls_reader
    RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/imagebank)
endif()
if(DEFINED SKBUILD_SCRIPTS_DIR)
  # The wheel: next to the extension module (found by Python's imports) and
  # next to the CLI and the server on the user's PATH.
  install(TARGETS imagebank_xls_reader RUNTIME DESTINATION imagebank)
  install(TARGETS imagebank_xls_reader RUNTIME DESTINATION "${SKBUILD_SCRIPTS_DIR}")
endif()
