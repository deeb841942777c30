# The one HTTP/1.1 client the adapters share (include/imagebank/adapters/http/):
# Boost.Beast (header-only) over OpenSSL; S3 and the vision providers link it.
if(NOT TARGET Boost::headers)
  find_package(Boost 1.81 CONFIG REQUIRED)
endif()

imagebank_add_module(adapters_http DIR adapters/http
  SOURCES
    adapters/http/address_policy.cpp
    adapters/http/body.cpp
    adapters/http/client.cpp
    adapters/http/endpoint.cpp
    adapters/http/fetch.cpp
    adapters/http/retry.cpp
    adapters/http/url.cpp
  PUBLIC_DEPS imagebank::core imagebank::catalog
  PRIVATE_DEPS imagebank_deps::ssl imagebank_deps::crypto Boost::headers)
