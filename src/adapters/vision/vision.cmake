# The vision analyzers (include/imagebank/adapters/vision.hpp): URI parsing
# and dispatch here; each provider lists its own sources in its .cmake.
imagebank_add_module(adapters_vision DIR adapters/vision
  SOURCES
    adapters/vision/open.cpp
  PUBLIC_DEPS imagebank::catalog imagebank::image
  PRIVATE_DEPS imagebank::hash Boost::json)
include(adapters/vision/remote.cmake)
include(adapters/vision/offline.cmake)
