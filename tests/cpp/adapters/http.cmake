# The shared HTTP client: base URLs, Retry-After, and the call deadline
# against the scripted loopback server the S3 tests also use; the URL
# fetcher and its address policy.
imagebank_add_test(adapters_http unit
  adapters/http_client_test.cpp
  adapters/http_fetch_test.cpp
  adapters/s3_loopback_server.cpp)
target_link_libraries(adapters_http_tests PRIVATE imagebank::adapters_http
  imagebank::image)
