# The vision analyzers: URIs, the photo they receive, and each provider.
imagebank_add_test(adapters_vision unit
  catalog/vision_test.cpp
  adapters/vision_open_test.cpp
  adapters/vision_offline_test.cpp)
target_link_libraries(adapters_vision_tests PRIVATE imagebank::adapters_vision
  imagebank::image Boost::json)
# The remote providers' pure parts (answers, errors, boxes, labels).
target_sources(adapters_vision_tests PRIVATE adapters/vision_remote_test.cpp)
target_link_libraries(adapters_vision_tests PRIVATE imagebank::adapters_http)
