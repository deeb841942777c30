# Install rules: libraries, public headers, the CLI, and a relocatable CMake
# package so that consumers can find_package(imagebank CONFIG).
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

set(IMAGEBANK_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/imagebank")
get_property(_imagebank_modules GLOBAL PROPERTY IMAGEBANK_MODULES)

install(TARGETS ${_imagebank_modules} imagebank
  EXPORT imagebankTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(DIRECTORY include/imagebank DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES "${PROJECT_BINARY_DIR}/generated/include/imagebank/version.hpp"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/imagebank)

install(EXPORT imagebankTargets
  NAMESPACE imagebank::
  DESTINATION ${IMAGEBANK_CMAKE_DIR})

configure_package_config_file(cmake/imagebankConfig.cmake.in
  "${PROJECT_BINARY_DIR}/imagebankConfig.cmake"
  INSTALL_DESTINATION ${IMAGEBANK_CMAKE_DIR})
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/imagebankConfigVersion.cmake"
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/imagebankConfig.cmake"
  "${PROJECT_BINARY_DIR}/imagebankConfigVersion.cmake"
  cmake/ImagebankDependencies.cmake
  cmake/FindSOCI.cmake
  DESTINATION ${IMAGEBANK_CMAKE_DIR})
