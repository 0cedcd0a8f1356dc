"""The CSDB changed (an upload, a remark, a QA signature, a file edited under `ietm serve --watch`): bring
this server's catalog, site model and search index up to date, re-check what changed, and tell every worker.

A server may run as several worker processes (`ietm serve --workers N`, or on several machines sharing the
CSDB folder and a PostgreSQL database). Whichever worker makes a change records it in the server database's
change log (`csdb_changes`, ietm.serverdb.changes) after its catalog is written, and so does a command whose
catalog refresh found something changed (`ietm import`, `ietm validate` after a hand edit); every worker,
before it answers a request, compares the newest entry with the last it has taken in and, when behind,
reloads its site model first (`catch_up`).
So a request never sees less than a write that finished before it began, whichever worker took the write,
and the render, page and badge caches (keyed by the site's generation and the files' times) follow.

Page modules call `refresh`; the live-preview route (ietm.web.routes.live) reads `since` and `problems`.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from pathlib import Path

import anyio.to_thread
from sqlalchemy import delete, insert, select

from ietm.paths import state_dir
from ietm.serverdb import Database
from ietm.serverdb.changes import record_change
from ietm.web.links import dm_address, pm_address
from ietm.web.tables import csdb_changes, live_problems

log = logging.getLogger("ietm.web")


class ChangeLog:
    """This worker's place in the server's change log."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.applied = self.latest()  # the site model was built from the files as they were at this change
        self.lock = threading.RLock()  # one reload or refresh at a time in this worker

    def latest(self) -> int:
        """The newest change's number (asked before every request: one indexed query, on the fast path)."""
        return self.db.first("SELECT max(id) FROM csdb_changes")[0] or 0

    def record(self, keys: list[str], problems: dict[str, list[dict]]) -> int:
        now = time.time()
        with self.db.begin() as conn:
            for address, findings in problems.items():
                conn.execute(delete(live_problems).where(live_problems.c.address == address))
                conn.execute(insert(live_problems).values(address=address, findings=findings, at=now))
            return record_change(conn, keys, now)

    def since(self, version: int, limit: int = 1000) -> list[str]:
        """Keys changed after `version` (the newest change's own when `version` is -1)."""
        query = select(csdb_changes.c.changed).order_by(csdb_changes.c.id.desc())
        query = query.limit(1) if version < 0 else query.where(csdb_changes.c.id > version).limit(limit)
        with self.db.read() as conn:
            rows = conn.execute(query).scalars().all()
        return sorted({k for keys in rows for k in keys})

    def changed(self, after: int, upto: int) -> set[str]:
        """Keys of every object changed by the changes after `after` up to `upto`."""
        query = select(csdb_changes.c.changed).where(csdb_changes.c.id > after, csdb_changes.c.id <= upto)
        with self.db.read() as conn:
            return {k for keys in conn.execute(query).scalars() for k in keys}

    def problems(self) -> dict[str, list[dict]]:
        with self.db.read() as conn:
            return {r.address: r.findings for r in conn.execute(select(live_problems.c.address, live_problems.c.findings))}


def change_log(app) -> ChangeLog:
    return app.state.changes


def checks(app):
    """The per-object checks (schemas compiled, BREX read) of this server, built once and kept until a BREX
    module comes, changes or goes (building them lists every file of the CSDB: about 0.8 s of CPU at 100,000)."""
    if getattr(app.state, "object_checks", None) is None:
        from ietm.intake.checks import object_checks

        app.state.object_checks = object_checks(app.state.site.csdb, app.state.site.config)
    return app.state.object_checks


#: past this share of the CSDB's objects changed at once, reading the whole catalog again is quicker
WHOLE_FROM = 0.2


def _reload(app, keys: set[str] | None) -> None:
    """The site model brought up to date from the catalog: only the objects `keys` names (what the change log or
    a rescan says changed), or all of them (None); the search index, if this worker searches, at its next search."""
    site = app.state.site
    brex = keys is None or _any_brex(site, keys)  # a BREX module changed or went: its rules take effect
    if keys is None or len(keys) > WHOLE_FROM * max(len(site.copies), 1000):
        site.index()
    elif keys:
        site.update(keys)
    if brex or _any_brex(site, keys):  # or came
        app.state.object_checks = None
    search = getattr(app.state, "search", None)
    if search is not None:
        search.changed()


def _any_brex(site, keys: set[str]) -> bool:
    return any(o.content_type == "brex" for key in keys for o in site.copies.get(key, ()))


def catch_up(app) -> bool:
    """Take in every change another worker recorded since this one last looked; True when it had to reload.

    Cheap when nothing changed (one indexed query), so it runs before every request."""
    log_ = change_log(app)
    latest = log_.latest()
    if latest <= log_.applied:
        return False
    with log_.lock:
        if latest <= log_.applied:  # another request of this worker reloaded meanwhile
            return False
        # the worker that made the change has written the catalog already: what it names is read again
        _reload(app, log_.changed(log_.applied, latest))
        log_.applied = latest
        return True


class FollowChanges:
    """Before each request (static files aside), take in what other workers changed (pure ASGI middleware)."""

    def __init__(self, app, owner) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.owner = owner  # the ietm app, whose state holds the site and the change log

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and not scope["path"].startswith("/static/"):
            log_ = change_log(self.owner)
            if log_.latest() > log_.applied:
                await anyio.to_thread.run_sync(catch_up, self.owner)
        await self.app(scope, receive, send)


def refresh(app, changed: list[Path] | None = None, rescan: bool = False) -> list[str]:
    """Catalog, site model and search index brought up to date with the files; changed objects re-checked; the
    change recorded for every worker. Returns the keys of the changed objects.

    A write that names the files it wrote (an upload, a save, a signature) has only those looked at; with no
    files named, or `rescan`, the whole folder is listed again (the watcher, which may not be told of a file
    removed). At 100,000 files the listing cost the writing worker about 0.9 s of CPU per write."""
    log_ = change_log(app)
    with log_.lock:
        before = log_.latest()
        site = app.state.site
        # recorded below, with what the caller names
        scan = site.catalog.refresh(tell=False, files=None if changed is None or rescan else changed)
        # a file the caller names is read again even when another command (`ietm validate`, say) took it into
        # the catalog first, so that this rescan did not find it changed
        named = {key for path in changed or () if (key := site.catalog.key_at(path))}
        # what other workers recorded and this one has not taken in yet, and what this rescan found
        _reload(app, log_.changed(log_.applied, before) | scan.changed | named)
        keys, problems = [], {}
        if changed:
            check = checks(app)
            for path in changed:
                if path.suffix.lower() != ".xml":
                    continue
                here = path.resolve()
                obj = next((o for o in site.copies.get(site.catalog.key_at(path) or "", [])
                            if Path(o.path).resolve() == here), None)
                if obj is None:
                    continue
                address = dm_address(obj.key) if obj.kind == "dm" else pm_address(obj.key)
                problems[address] = [{"severity": f.severity, "line": f.line, "rule": f.rule, "message": f.message}
                                     for f in check(path) if f.severity in ("error", "warning")]
                keys.append(obj.key)
        recorded = scan.changed | named
        if not recorded and not problems:  # nothing changed after all: nothing for the other workers to do
            log_.applied = before
            return keys
        mine = log_.record(sorted(recorded), problems)
        # this reload saw every change up to `before`, and its own; one recorded by another worker in between
        # may not have been in the catalog yet when it was read: the next request takes it in
        log_.applied = mine if mine == before + 1 else before
    return keys


def start_watcher(app, stop: threading.Event | None = None) -> threading.Thread:
    """Watch the CSDB folder in a thread; every batch of changes triggers one refresh.

    With several workers, one watches at a time (a lock file in the state folder); if it dies, another takes
    over; all of them learn of the changes through the change log."""
    from watchfiles import watch

    site = app.state.site
    stop = stop or threading.Event()
    app.state.live_watching = True

    def run() -> None:
        lock_path = state_dir(site.csdb) / "watch.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a") as lock:
            while not stop.is_set():
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    stop.wait(1.0)
            if stop.is_set():
                return
            refresh(app)  # what changed while no one watched (a watcher that died, say)
            for changes in watch(site.csdb, stop_event=stop, debounce=300, step=100,
                                 watch_filter=lambda _c, p: "/." not in p.replace(str(site.csdb), "")):
                paths = sorted({Path(p) for _, p in changes})
                try:
                    keys = refresh(app, [p for p in paths if p.exists()], rescan=True)
                    log.info("live preview: %d file(s) changed, refreshed %s", len(paths), ", ".join(keys) or "catalog")
                except Exception:  # a broken file must not stop the watcher; it is reported on its page
                    log.exception("live preview: refresh failed")

    thread = threading.Thread(target=run, name="ietm-watch", daemon=True)
    thread.start()
    return thread
