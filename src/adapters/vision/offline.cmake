# The offline analyzer: colour, background, sharpness, items, BlurHash.
target_sources(imagebank_adapters_vision PRIVATE
  adapters/vision/offline_pending.cpp)
