"""The CSDB catalog: an SQLite cache of every object's identity, status and references."""

from ietm.catalog.db import Catalog, ScanResult

__all__ = ["Catalog", "ScanResult"]
