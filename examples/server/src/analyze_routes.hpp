// POST /api/v1/images/{id}/analyze: one image through the server's vision
// chain (analyze_routes.cpp).
#pragma once

#include <string>
#include <vector>

#include "auth.hpp"
#include "imagebank/bank/bank.hpp"
#include "router.hpp"

namespace imagebank::server {

// `vision`: analyzer URIs in order (the server's --vision). `bank` and
// `auth` must outlive the router.
Status add_analyze_routes(Router& router, Bank& bank, Auth& auth,
                          std::vector<std::string> vision);

}  // namespace imagebank::server
