// Compiled twice (tests/cpp/boundaries/boundaries.cmake): as the image
// module sees it, where its private header resolves, and as the hash module
// sees it, where it must not: the check that module boundaries hold.
#include "image/decode_formats.hpp"

int imagebank_boundary_probe = 0;
