# The third-party libraries imagebank links, declared once. Used by the build
# and, installed next to imagebankConfig.cmake, by consumers of a static
# build (whose link lines need these too). Every dependency becomes an
# imported target in the imagebank_deps:: namespace.
include_guard(GLOBAL)
include(CMakeFindDependencyMacro)

find_package(PkgConfig REQUIRED QUIET)
find_dependency(Threads)

# name: target suffix; module: pkg-config module
macro(_imagebank_pkg name module)
  if(NOT TARGET imagebank_deps::${name})
    pkg_check_modules(_IMAGEBANK_${name} REQUIRED QUIET IMPORTED_TARGET GLOBAL ${module})
    add_library(imagebank_deps::${name} INTERFACE IMPORTED GLOBAL)
    target_link_libraries(imagebank_deps::${name} INTERFACE PkgConfig::_IMAGEBANK_${name})
  endif()
endmacro()

_imagebank_pkg(jpeg libjpeg)
_imagebank_pkg(turbojpeg libturbojpeg)
_imagebank_pkg(hwy libhwy)
_imagebank_pkg(spng "spng;zlib")  # zlib: PNG chunk CRCs
_imagebank_pkg(webp "libwebp;libwebpdemux;libwebpmux")
_imagebank_pkg(avif libavif)
_imagebank_pkg(lcms2 lcms2)
_imagebank_pkg(crypto libcrypto)
_imagebank_pkg(ssl libssl)
_imagebank_pkg(utf8proc libutf8proc)
_imagebank_pkg(zip libzip)
_imagebank_pkg(expat expat)
_imagebank_pkg(freexl freexl)
# libxlsxwriter (the bank's XLSX exports): named here so a missing one says
# which package to install rather than pkg-config's bare "not found".
if(NOT TARGET imagebank_deps::xlsxwriter)
  pkg_check_modules(_IMAGEBANK_xlsxwriter QUIET IMPORTED_TARGET GLOBAL xlsxwriter)
  if(NOT _IMAGEBANK_xlsxwriter_FOUND)
    message(FATAL_ERROR "imagebank: libxlsxwriter not found (XLSX exports). "
      "On Debian: apt-get install libxlsxwriter-dev, or run scripts/install-deps.sh")
  endif()
  add_library(imagebank_deps::xlsxwriter INTERFACE IMPORTED GLOBAL)
  target_link_libraries(imagebank_deps::xlsxwriter INTERFACE PkgConfig::_IMAGEBANK_xlsxwriter)
endif()

# SOCI (catalog adapters): Debian ships no CMake package, cmake/FindSOCI.cmake
# finds it. Boost (header-only Beast/Asio for the S3 adapter, Boost.JSON).
if(NOT TARGET SOCI::sqlite3)
  list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}")
  find_dependency(SOCI 4.0 COMPONENTS sqlite3 postgresql)
endif()
if(NOT TARGET Boost::json)
  find_dependency(Boost 1.81 CONFIG COMPONENTS json)
endif()
