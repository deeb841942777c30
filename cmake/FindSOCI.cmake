# FindSOCI
# --------
# Debian's libsoci-dev ships neither a CMake package nor a pkg-config file.
# This module finds the SOCI headers and libraries and defines imported
# targets:
#
#   SOCI::core        soci_core
#   SOCI::sqlite3     soci_sqlite3 (+ SQLite3)
#   SOCI::postgresql  soci_postgresql (+ libpq)
#
# Components may be requested (core is always searched):
#   find_package(SOCI REQUIRED COMPONENTS sqlite3 postgresql)
#
# Result variables: SOCI_FOUND, SOCI_INCLUDE_DIR, SOCI_VERSION,
# SOCI_<component>_FOUND.
include(FindPackageHandleStandardArgs)

find_path(SOCI_INCLUDE_DIR NAMES soci/soci.h)
find_library(SOCI_core_LIBRARY NAMES soci_core)

if(SOCI_INCLUDE_DIR AND EXISTS "${SOCI_INCLUDE_DIR}/soci/version.h")
  file(STRINGS "${SOCI_INCLUDE_DIR}/soci/version.h" _soci_version_line
       REGEX "^#define SOCI_VERSION [0-9]+")
  string(REGEX MATCH "[0-9]+" _soci_version_num "${_soci_version_line}")
  if(_soci_version_num)
    math(EXPR _soci_major "${_soci_version_num} / 100000")
    math(EXPR _soci_minor "${_soci_version_num} / 100 % 1000")
    math(EXPR _soci_patch "${_soci_version_num} % 100")
    set(SOCI_VERSION "${_soci_major}.${_soci_minor}.${_soci_patch}")
  endif()
endif()

set(SOCI_core_FOUND FALSE)
if(SOCI_core_LIBRARY)
  set(SOCI_core_FOUND TRUE)
endif()

foreach(_comp IN LISTS SOCI_FIND_COMPONENTS)
  if(_comp STREQUAL "core")
    continue()
  endif()
  find_library(SOCI_${_comp}_LIBRARY NAMES soci_${_comp})
  set(SOCI_${_comp}_FOUND FALSE)
  if(SOCI_${_comp}_LIBRARY)
    if(_comp STREQUAL "sqlite3")
      find_package(SQLite3 QUIET)
      if(SQLite3_FOUND)
        set(SOCI_${_comp}_FOUND TRUE)
      endif()
    elseif(_comp STREQUAL "postgresql")
      find_package(PostgreSQL QUIET)
      if(PostgreSQL_FOUND)
        set(SOCI_${_comp}_FOUND TRUE)
      endif()
    else()
      set(SOCI_${_comp}_FOUND TRUE)
    endif()
  endif()
endforeach()

find_package_handle_standard_args(SOCI
  REQUIRED_VARS SOCI_core_LIBRARY SOCI_INCLUDE_DIR
  VERSION_VAR SOCI_VERSION
  HANDLE_COMPONENTS)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_core_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${CMAKE_DL_LIBS}")
endif()
if(SOCI_sqlite3_FOUND AND NOT TARGET SOCI::sqlite3)
  add_library(SOCI::sqlite3 UNKNOWN IMPORTED)
  set_target_properties(SOCI::sqlite3 PROPERTIES
    IMPORTED_LOCATION "${SOCI_sqlite3_LIBRARY}"
    INTERFACE_LINK_LIBRARIES "SOCI::core;SQLite::SQLite3")
endif()
if(SOCI_postgresql_FOUND AND NOT TARGET SOCI::postgresql)
  add_library(SOCI::postgresql UNKNOWN IMPORTED)
  set_target_properties(SOCI::postgresql PROPERTIES
    IMPORTED_LOCATION "${SOCI_postgresql_LIBRARY}"
    INTERFACE_LINK_LIBRARIES "SOCI::core;PostgreSQL::PostgreSQL")
endif()

mark_as_advanced(SOCI_INCLUDE_DIR SOCI_core_LIBRARY SOCI_sqlite3_LIBRARY
                 SOCI_postgresql_LIBRARY)
