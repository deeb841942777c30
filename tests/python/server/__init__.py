# A package, so its conftest is not confused with tests/python/conftest.py
# (mypy and pytest both name a conftest by its package).
