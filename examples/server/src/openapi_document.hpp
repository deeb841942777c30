// The server's OpenAPI 3.1 document (examples/server/openapi.yaml), compiled
// in at build time and served at GET /api/v1/openapi.yaml.
#pragma once

#include <string_view>

namespace imagebank::server {

std::string_view openapi_document() noexcept;

}  // namespace imagebank::server
