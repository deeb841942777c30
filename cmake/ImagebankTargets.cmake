# imagebank_add_module(<name> SOURCES ... [DIR <dir>] [PUBLIC_DEPS ...]
#                      [PRIVATE_DEPS ...])
# Declares the library imagebank_<name>, exported and aliased as
# imagebank::<name>, with the project's include directories and warnings.
# Its sources live in src/<dir> (default: <name>).
#
# Module boundaries: a module sees the public headers of every module
# (include/imagebank/...) but the private headers (src/<dir>/...) of its own
# module only. Each module gets a private include root of its own,
# <build>/private_include/<name>/, holding one link, <dir> -> src/<dir>: so
# "hash/pdq_internal.hpp" resolves inside the hash module and nowhere else,
# and a module that reaches into another's private header fails to compile
# (tests/boundaries proves it). The module's own tests and benchmarks may
# use the same root (imagebank_use_private_headers).
include_guard(GLOBAL)

# The private include root of module <name> (sources in src/<dir>).
function(imagebank_private_include_root name dir out_var)
  set(root ${PROJECT_BINARY_DIR}/private_include/${name})
  set(link ${root}/${dir})
  if(NOT IS_SYMLINK ${link})
    get_filename_component(parent ${link} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${dir} ${link} SYMBOLIC)
  endif()
  set(${out_var} ${root} PARENT_SCOPE)
endfunction()

# White-box access for a module's own tests and benchmarks:
# imagebank_use_private_headers(<target> <module>...).
function(imagebank_use_private_headers target)
  foreach(module IN LISTS ARGN)
    get_property(root GLOBAL PROPERTY IMAGEBANK_PRIVATE_ROOT_${module})
    if(NOT root)
      message(FATAL_ERROR "imagebank_use_private_headers: no module '${module}'")
    endif()
    target_include_directories(${target} PRIVATE ${root})
  endforeach()
endfunction()

function(imagebank_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(IMAGEBANK_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

function(imagebank_add_module name)
  cmake_parse_arguments(ARG "" "DIR" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  if(NOT ARG_DIR)
    set(ARG_DIR ${name})
  endif()
  set(target imagebank_${name})
  imagebank_private_include_root(${name} ${ARG_DIR} private_root)
  set_property(GLOBAL PROPERTY IMAGEBANK_PRIVATE_ROOT_${name} ${private_root})
  add_library(${target} ${ARG_SOURCES})
  add_library(imagebank::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES
    EXPORT_NAME ${name}
    OUTPUT_NAME imagebank_${name}
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_include_directories(${target}
    PUBLIC
      $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
      $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE
      ${private_root})
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  imagebank_set_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY IMAGEBANK_MODULES ${target})
endfunction()
