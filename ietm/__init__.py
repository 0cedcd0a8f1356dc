"""ietm: authoring, checking, viewing and signing of S1000D interactive electronic technical manuals."""

__version__ = "0.1.0"
