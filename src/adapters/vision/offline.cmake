# The offline analyzer: colour, background, sharpness, items, BlurHash.
target_sources(imagebank_adapters_vision PRIVATE
  adapters/vision/offline/analyzer.cpp
  adapters/vision/offline/measure.cpp)
