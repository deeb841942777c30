# The web app (web/: index.html, ES modules, CSS, SVG), compiled into the
# server: src/web_assets_data.cpp.in becomes web_assets_data.cpp with every
# file as a raw string. The server names each asset by its content's
# SHA-256 at start (src/web_routes.hpp), so the pip wheel and the CMake
# install ship the app inside the program. Editing or adding a file re-runs
# CMake.
#
# One file comes from npm: tus-js-client's browser build (dist/tus.min.js),
# the resumable upload client, pinned by web/package-lock.json. At configure
# time `npm ci` installs that lockfile into the build tree (once per
# lockfile: a stamp holds its hash; --prefer-offline, so npm's cache serves
# a rebuild without the network) and the file ships as
# tus-js-client.js, its MIT licence prepended. IMAGEBANK_TUS_JS names a
# tus.min.js to use instead (a packager without npm).
set(IMAGEBANK_TUS_JS "" CACHE FILEPATH
  "tus-js-client's dist/tus.min.js for the web app (empty: npm ci of examples/server/web/package-lock.json)")
set(web_lock ${CMAKE_CURRENT_SOURCE_DIR}/web/package-lock.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${web_lock} ${CMAKE_CURRENT_SOURCE_DIR}/web/package.json)
if(IMAGEBANK_TUS_JS)
  set(web_tus_js ${IMAGEBANK_TUS_JS})
  get_filename_component(web_tus_dir ${web_tus_js} DIRECTORY)
  set(web_tus_license ${web_tus_dir}/../LICENSE)
else()
  set(web_npm_dir ${CMAKE_CURRENT_BINARY_DIR}/web-npm)
  file(SHA256 ${web_lock} web_lock_hash)
  set(web_npm_stamp "")
  if(EXISTS ${web_npm_dir}/installed.stamp)
    file(READ ${web_npm_dir}/installed.stamp web_npm_stamp)
  endif()
  if(NOT web_npm_stamp STREQUAL web_lock_hash)
    find_program(IMAGEBANK_NPM npm)
    if(NOT IMAGEBANK_NPM)
      message(FATAL_ERROR "imagebank-server's web app needs npm (Node.js 20) to "
        "install tus-js-client as examples/server/web/package-lock.json pins it: "
        "run scripts/install-deps.sh, set IMAGEBANK_TUS_JS to a tus.min.js, or "
        "build without the server (-DIMAGEBANK_BUILD_SERVER=OFF)")
    endif()
    file(REMOVE_RECURSE ${web_npm_dir})
    file(COPY ${CMAKE_CURRENT_SOURCE_DIR}/web/package.json ${web_lock}
      DESTINATION ${web_npm_dir})
    message(STATUS "imagebank-server web app: npm ci (tus-js-client) in ${web_npm_dir}")
    execute_process(
      COMMAND ${IMAGEBANK_NPM} ci --prefer-offline --ignore-scripts --no-audit
        --no-fund --loglevel=error
      WORKING_DIRECTORY ${web_npm_dir}
      RESULT_VARIABLE web_npm_rc
      OUTPUT_VARIABLE web_npm_out
      ERROR_VARIABLE web_npm_out)
    if(NOT web_npm_rc EQUAL 0)
      message(FATAL_ERROR "npm ci in ${web_npm_dir} failed (${web_npm_rc}); "
        "it needs npm's registry or a cache holding tus-js-client "
        "(examples/server/web/package-lock.json), or set IMAGEBANK_TUS_JS:\n"
        "${web_npm_out}")
    endif()
    file(WRITE ${web_npm_dir}/installed.stamp ${web_lock_hash})
  endif()
  set(web_tus_js ${web_npm_dir}/node_modules/tus-js-client/dist/tus.min.js)
  set(web_tus_license ${web_npm_dir}/node_modules/tus-js-client/LICENSE)
endif()
if(NOT EXISTS ${web_tus_js} OR NOT EXISTS ${web_tus_license})
  message(FATAL_ERROR "tus-js-client: ${web_tus_js} or its LICENSE beside dist/ is missing")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${web_tus_js})

file(GLOB IMAGEBANK_WEB_FILES CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/web/*.html
  ${CMAKE_CURRENT_SOURCE_DIR}/web/*.js
  ${CMAKE_CURRENT_SOURCE_DIR}/web/*.css
  ${CMAKE_CURRENT_SOURCE_DIR}/web/*.svg)
list(SORT IMAGEBANK_WEB_FILES)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${IMAGEBANK_WEB_FILES})
set(IMAGEBANK_WEB_TABLE "")
function(imagebank_web_entry name content from_npm)
  string(FIND "${content}" ")ib_web\"" web_clash)
  if(NOT web_clash EQUAL -1)
    message(FATAL_ERROR "${name} holds the raw-string delimiter )ib_web\"")
  endif()
  set(IMAGEBANK_WEB_TABLE
    "${IMAGEBANK_WEB_TABLE}    {\"${name}\", R\"ib_web(${content})ib_web\", ${from_npm}},\n"
    PARENT_SCOPE)
endfunction()
foreach(web_file IN LISTS IMAGEBANK_WEB_FILES)
  file(READ "${web_file}" web_content)
  get_filename_component(web_name "${web_file}" NAME)
  imagebank_web_entry("${web_name}" "${web_content}" false)
endforeach()
# tus-js-client: its licence as a comment on top, its source map link off
# (the map does not ship).
file(READ ${web_tus_license} web_tus_notice)
file(READ ${web_tus_js} web_content)
string(REGEX REPLACE "\n//# sourceMappingURL=[^\n]*\n?$" "\n" web_content "${web_content}")
string(REPLACE "*/" "* /" web_tus_notice "${web_tus_notice}")
imagebank_web_entry("tus-js-client.js"
  "/*! tus-js-client\n${web_tus_notice}*/\n${web_content}" true)
configure_file(src/web_assets_data.cpp.in
  ${CMAKE_CURRENT_BINARY_DIR}/web_assets_data.cpp @ONLY)
