"""The CSDB changed (an upload, a remark, a QA signature, a file edited under `ietm serve --watch`): bring
this server's catalog, site model and search index up to date, re-check what changed, and tell open pages.

Page modules call `refresh`; the live-preview route (ietm.web.routes.live) reads `state`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ietm.web.links import dm_address, pm_address

log = logging.getLogger("ietm.web")


@dataclass
class LiveState:
    """What changed last and what is wrong with which page; `version` grows with every change."""

    version: int = 0
    changed: list[str] = field(default_factory=list)
    problems: dict[str, list[dict]] = field(default_factory=dict)  # page address -> findings
    condition: threading.Condition = field(default_factory=threading.Condition)


def state(app) -> LiveState:
    if not hasattr(app.state, "live"):
        app.state.live = LiveState()
    return app.state.live


def checks(app):
    """The per-object checks (schemas compiled, BREX read) of this server, built once and kept until a refresh."""
    if getattr(app.state, "object_checks", None) is None:
        from ietm.intake.checks import object_checks

        app.state.object_checks = object_checks(app.state.site.csdb, app.state.site.config)
    return app.state.object_checks


def refresh(app, changed: list[Path] | None = None) -> list[str]:
    """Catalog, site model and search index brought up to date; changed objects re-checked. Returns their keys."""
    site = app.state.site
    app.state.object_checks = None  # a changed BREX or schema setting takes effect
    site.catalog.refresh()
    site.index()
    search = getattr(app.state, "search", None)
    if search is not None:
        search.index.update()
    live = state(app)
    keys = []
    if changed:
        check = checks(app)
        by_path = {Path(o.path).resolve(): o for copies in site.copies.values() for o in copies}
        for path in changed:
            obj = by_path.get(path.resolve())
            if obj is None or not path.suffix.lower() == ".xml":
                continue
            address = dm_address(obj.key) if obj.kind == "dm" else pm_address(obj.key)
            findings = [f for f in check(path) if f.severity in ("error", "warning")]
            live.problems[address] = [
                {"severity": f.severity, "line": f.line, "rule": f.rule, "message": f.message} for f in findings
            ]
            keys.append(obj.key)
    with live.condition:
        live.version += 1
        live.changed = keys
        live.condition.notify_all()
    return keys


def start_watcher(app, stop: threading.Event | None = None) -> threading.Thread:
    """Watch the CSDB folder in a thread; every batch of changes triggers one refresh."""
    from watchfiles import watch

    site = app.state.site
    stop = stop or threading.Event()
    app.state.live_watching = True

    def run() -> None:
        for changes in watch(site.csdb, stop_event=stop, debounce=300, step=100,
                             watch_filter=lambda _c, p: "/." not in p.replace(str(site.csdb), "")):
            paths = sorted({Path(p) for _, p in changes})
            try:
                keys = refresh(app, [p for p in paths if p.exists()])
                log.info("live preview: %d file(s) changed, refreshed %s", len(paths), ", ".join(keys) or "catalog")
            except Exception:  # a broken file must not stop the watcher; it is reported on its page
                log.exception("live preview: refresh failed")

    thread = threading.Thread(target=run, name="ietm-watch", daemon=True)
    thread.start()
    return thread
