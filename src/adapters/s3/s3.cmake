# The S3-compatible BlobStore (include/imagebank/adapters/s3_blob_store.hpp):
# SigV4 over OpenSSL, HTTP through the shared client (adapters_http), XML
# over expat.
imagebank_add_module(adapters_s3 DIR adapters/s3
  SOURCES
    adapters/s3/crypto.cpp
    adapters/s3/multipart.cpp
    adapters/s3/retry.cpp
    adapters/s3/s3_blob_store.cpp
    adapters/s3/s3_client.cpp
    adapters/s3/s3_options.cpp
    adapters/s3/s3_uri.cpp
    adapters/s3/sigv4.cpp
    adapters/s3/xml.cpp
  PUBLIC_DEPS imagebank::catalog
  PRIVATE_DEPS imagebank::adapters_http imagebank_deps::crypto
    imagebank_deps::expat)
