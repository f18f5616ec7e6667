"""The store: database access and migrations. SQLite in the home by default, PostgreSQL by URL."""

from diversion.store.engine import Store, open_store

__all__ = ["Store", "open_store"]
