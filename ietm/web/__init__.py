"""The web manual (FastAPI): routes over one CSDB; pages come from ietm.web.pages and ietm.render."""

from ietm.web.app import create_app

__all__ = ["create_app"]
