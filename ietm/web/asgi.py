"""The web manual as an ASGI application, for `ietm serve --workers N` and for any ASGI server:

    IETM_CSDB=/srv/csdb uvicorn ietm.web.asgi:app --workers 4 --no-proxy-headers
    IETM_CSDB=/srv/csdb gunicorn -k uvicorn.workers.UvicornWorker -w 4 ietm.web.asgi:app

`IETM_CSDB` names the CSDB (default: the sample manual); `IETM_WATCH=1` turns on live preview. Each worker
process builds its own app over the same CSDB and server database; what one worker changes the others take
in before their next request (ietm.web.changes). The app is made on first use, not on import.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

_made: FastAPI | None = None


def make() -> FastAPI:
    """The app over `IETM_CSDB`, with the watcher when `IETM_WATCH=1`."""
    from ietm.paths import CONTENT
    from ietm.web.app import create_app
    from ietm.web.changes import start_watcher

    app = create_app(Path(os.environ.get("IETM_CSDB") or CONTENT))
    if os.environ.get("IETM_WATCH") == "1":
        start_watcher(app)
    return app


def __getattr__(name: str) -> FastAPI:
    global _made
    if name != "app":
        raise AttributeError(name)
    if _made is None:
        _made = make()
    return _made
