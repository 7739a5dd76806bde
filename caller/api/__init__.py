"""The caller's HTTP API (FastAPI): one router module per resource, assembled by `create_app`."""
