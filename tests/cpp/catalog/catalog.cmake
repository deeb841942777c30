# The catalog module's own values (the conformance suites of its interfaces
# are linked by the adapter tests: adapters/fs.cmake, adapters/soci.cmake).
imagebank_add_test(catalog unit catalog/jobs_test.cpp catalog/api_keys_test.cpp)
target_link_libraries(catalog_tests PRIVATE imagebank::catalog)
