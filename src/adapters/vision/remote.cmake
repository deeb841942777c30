# The remote providers: OpenAI, Gemini, Google Cloud Vision, over the shared
# HTTPS client (adapters_http).
target_sources(imagebank_adapters_vision PRIVATE
  adapters/vision/answer.cpp
  adapters/vision/gemini.cpp
  adapters/vision/google_labels.cpp
  adapters/vision/google_vision.cpp
  adapters/vision/openai.cpp
  adapters/vision/remote.cpp)
target_link_libraries(imagebank_adapters_vision PRIVATE imagebank::adapters_http)
