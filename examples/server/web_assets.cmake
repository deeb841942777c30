# The web app (web/: index.html, ES modules, CSS, SVG), compiled into the
# server: src/web_assets_data.cpp.in becomes web_assets_data.cpp with every
# file as a raw string. The server names each asset by its content's
# SHA-256 at start (src/web_routes.hpp), so the pip wheel and the CMake
# install ship the app inside the program. Editing or adding a file re-runs
# CMake.
file(GLOB IMAGEBANK_WEB_FILES CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/web/*.html
  ${CMAKE_CURRENT_SOURCE_DIR}/web/*.js
  ${CMAKE_CURRENT_SOURCE_DIR}/web/*.css
  ${CMAKE_CURRENT_SOURCE_DIR}/web/*.svg)
list(SORT IMAGEBANK_WEB_FILES)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${IMAGEBANK_WEB_FILES})
set(IMAGEBANK_WEB_TABLE "")
foreach(web_file IN LISTS IMAGEBANK_WEB_FILES)
  file(READ "${web_file}" web_content)
  get_filename_component(web_name "${web_file}" NAME)
  string(FIND "${web_content}" ")ib_web\"" web_clash)
  if(NOT web_clash EQUAL -1)
    message(FATAL_ERROR "${web_file} holds the raw-string delimiter )ib_web\"")
  endif()
  string(APPEND IMAGEBANK_WEB_TABLE
    "    {\"${web_name}\", R\"ib_web(${web_content})ib_web\"},\n")
endforeach()
configure_file(src/web_assets_data.cpp.in
  ${CMAKE_CURRENT_BINARY_DIR}/web_assets_data.cpp @ONLY)
