// Validation of S3Options and their translation into the client's config.
#pragma once

#include <string_view>

#include "adapters/s3/s3_client.hpp"
#include "imagebank/adapters/s3_blob_store.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::s3 {

// S3's bucket naming rules (general purpose buckets); invalid_argument with
// the reason.
Status validate_bucket_name(std::string_view bucket);

// Validates everything and resolves the defaults (endpoint, addressing,
// credentials from the environment).
Result<S3Config> make_s3_config(const S3Options& options);

}  // namespace imagebank::s3
