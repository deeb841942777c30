# S3 adapter tests.
# - s3_tests (unit): SigV4 against AWS's published vectors, URI and option
#   parsing, XML readers, and the client against a scripted loopback server
#   (retries, deadlines, error mapping, hostile answers).
# - s3_server_tests (integration): the BlobStore conformance suite and the
#   S3 specifics against a real MinIO that the test starts (binary from
#   $IMAGEBANK_MINIO or the cache of scripts/install-minio.sh; a missing
#   binary fails the test, IMAGEBANK_SKIP_S3=1 skips it on purpose).
imagebank_add_test(s3 unit
  adapters/s3_sigv4_test.cpp
  adapters/s3_uri_test.cpp
  adapters/s3_xml_test.cpp
  adapters/s3_client_test.cpp
  adapters/s3_loopback_server.cpp)
target_link_libraries(s3_tests PRIVATE imagebank::adapters_s3)
imagebank_use_private_headers(s3_tests adapters_s3)

# Not imagebank_add_test: gtest_discover_tests would run every test case in
# its own process, each starting its own MinIO (~2 s apiece, twice per CI
# run with the sanitizer build). One process shares one server.
add_executable(s3_server_tests
  adapters/s3_server_test.cpp
  adapters/s3_minio_fixture.cpp
  catalog/blob_store_conformance.cpp)
target_link_libraries(s3_server_tests PRIVATE imagebank_test_support
  GTest::gtest_main imagebank::adapters_s3)
imagebank_use_private_headers(s3_server_tests adapters_s3)
imagebank_set_warnings(s3_server_tests)
add_test(NAME s3_server_tests COMMAND s3_server_tests)
set_tests_properties(s3_server_tests PROPERTIES LABELS integration TIMEOUT 900)
