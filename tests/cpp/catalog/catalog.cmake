# placeholder: the catalog conformance sources are linked by the adapter tests
