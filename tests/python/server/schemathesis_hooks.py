"""Schemathesis hooks for test_openapi.py (SCHEMATHESIS_HOOKS names this
module): tus PATCH bodies are raw bytes, as application/octet-stream is."""

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
