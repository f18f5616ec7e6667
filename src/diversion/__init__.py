"""Diversion: stop dual-use goods from being diverted to Russia through transit hubs."""

__version__ = "0.1.0"
