# The vision analyzers: URIs, the photo they receive, and each provider.
imagebank_add_test(adapters_vision unit
  catalog/vision_test.cpp
  adapters/vision_open_test.cpp
  adapters/vision_offline_test.cpp)
target_link_libraries(adapters_vision_tests PRIVATE imagebank::adapters_vision
  imagebank::image Boost::json)
