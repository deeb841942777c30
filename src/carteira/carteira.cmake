# Sources of the carteira module beyond carteira.cpp (owned with src/carteira/*).
target_sources(imagebank_carteira PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/builder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cell_values.cpp
  ${CMAKE_CURRENT_LIST_DIR}/csv_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fields.cpp
  ${CMAKE_CURRENT_LIST_DIR}/headers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/read_ahead.cpp
  ${CMAKE_CURRENT_LIST_DIR}/row_pipe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/shared_strings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sheet_xml.cpp
  ${CMAKE_CURRENT_LIST_DIR}/styles.cpp
  ${CMAKE_CURRENT_LIST_DIR}/text_decode.cpp
  ${CMAKE_CURRENT_LIST_DIR}/values.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xls_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xlsx_package.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xlsx_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xml_stream.cpp
  ${CMAKE_CURRENT_LIST_DIR}/zip_archive.cpp)
