# The remote providers: OpenAI, Gemini, Google Cloud Vision.
target_sources(imagebank_adapters_vision PRIVATE
  adapters/vision/remote_pending.cpp)
