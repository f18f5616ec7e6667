"""The HTTP API (FastAPI): docs/api.md."""
