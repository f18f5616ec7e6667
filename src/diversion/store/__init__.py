"""The store: database access and migrations. SQLite in the home by default, PostgreSQL by URL."""

from diversion.store.engine import Store, StoreError, display_url, open_store

__all__ = ["Store", "StoreError", "display_url", "open_store"]
