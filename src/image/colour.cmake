# Colour science and picture measurements: CIELAB and CIEDE2000, pt-BR
# colour names, BlurHash, background masks and removal.
target_sources(imagebank_image PRIVATE
  image/background.cpp
  image/blurhash.cpp
  image/colour.cpp
  image/colour_names.cpp)
