# The S3-compatible BlobStore (include/imagebank/adapters/s3_blob_store.hpp):
# SigV4 over OpenSSL, HTTP over Boost.Beast (header-only), XML over expat.
if(NOT TARGET Boost::headers)
  find_package(Boost 1.81 CONFIG REQUIRED)
endif()

imagebank_add_module(adapters_s3 DIR adapters/s3
  SOURCES
    adapters/s3/body.cpp
    adapters/s3/crypto.cpp
    adapters/s3/endpoint.cpp
    adapters/s3/http_client.cpp
    adapters/s3/multipart.cpp
    adapters/s3/retry.cpp
    adapters/s3/s3_blob_store.cpp
    adapters/s3/s3_client.cpp
    adapters/s3/s3_options.cpp
    adapters/s3/s3_uri.cpp
    adapters/s3/sigv4.cpp
    adapters/s3/xml.cpp
  PUBLIC_DEPS imagebank::catalog
  PRIVATE_DEPS imagebank_deps::ssl imagebank_deps::crypto
    imagebank_deps::expat Boost::headers)
