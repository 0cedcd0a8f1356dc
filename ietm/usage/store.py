"""Recording usage events (each once, by its key) and the counts the /usage page shows.

Who did something is personal data: it is kept in its own column (`who`: the logged-in user, or the technician a
procedure's work record names), never inside `detail`, and only `people` and the admin's CSV read it.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from ietm.serverdb import Database, insert_or_ignore
from ietm.usage.tables import events

KINDS = ("open", "procedure", "fault", "remark")
PERSONAL = ("technician",)  # keys of an event's detail that name a person: moved to `who`


@dataclass(frozen=True)
class Filters:
    release: str | None = None
    model: str | None = None

    def where(self):
        conds = []
        if self.release is not None:
            conds.append(events.c.release == self.release)
        if self.model is not None:
            conds.append(events.c.model == self.model)
        return and_(*conds) if conds else None


def _instant(text: str | None) -> float:
    try:
        return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
    except (TypeError, ValueError):
        return time.time()


def record(db: Database, items: list[dict], source: str, who: str | None = None, delivery: str | None = None,
           customer: str | None = None) -> int:
    """Store the events not stored before; returns how many were new."""
    now = time.time()
    new = 0
    with db.begin() as conn:
        for e in items:
            detail = dict(e.get("detail") or {})
            named = next((str(detail.pop(k)) for k in PERSONAL if detail.get(k)), None)
            for k in PERSONAL:
                detail.pop(k, None)
            new += insert_or_ignore(
                conn, events, id=e["key"], kind=e["kind"], module=e["module"], issue=e.get("issue") or None,
                language=e.get("language") or None, release=e.get("release") or "", model=e.get("model") or "",
                product=e.get("product") or None, delivery=delivery, customer=customer, source=source,
                who=(who or named or None), at=_instant(e.get("at")), received=now, detail=detail)
    return new


def _select(*columns, f: Filters):
    q = select(*columns)
    where = f.where()
    return q.where(where) if where is not None else q


def counts(db: Database, f: Filters) -> dict[str, int]:
    """Events per kind."""
    with db.read() as conn:
        rows = conn.execute(_select(events.c.kind, func.count(), f=f).group_by(events.c.kind)).all()
    got = dict(rows)
    return {k: int(got.get(k, 0)) for k in KINDS}


def by_module(db: Database, f: Filters, kind: str) -> dict[str, int]:
    """Events of one kind per module."""
    with db.read() as conn:
        rows = conn.execute(_select(events.c.module, func.count(), f=f).where(events.c.kind == kind)
                            .group_by(events.c.module)).all()
    return {m: int(n) for m, n in rows}


def by_release_model(db: Database) -> list[dict]:
    """Events per release and product model, each kind counted."""
    with db.read() as conn:
        rows = conn.execute(select(events.c.release, events.c.model, events.c.kind, func.count())
                            .group_by(events.c.release, events.c.model, events.c.kind)).all()
    out: dict[tuple[str, str], dict] = {}
    for release, model, kind, n in rows:
        row = out.setdefault((release, model), {"release": release, "model": model, **{k: 0 for k in KINDS}})
        row[kind] = int(n)
    return sorted(out.values(), key=lambda r: (r["release"], r["model"]))


def people(db: Database, f: Filters) -> list[dict]:
    """Events per person (admin only: personal data)."""
    with db.read() as conn:
        rows = conn.execute(_select(events.c.who, events.c.customer, events.c.kind, func.count(), f=f)
                            .where(events.c.who.is_not(None))
                            .group_by(events.c.who, events.c.customer, events.c.kind)).all()
    out: dict[tuple[str, str | None], dict] = {}
    for who, customer, kind, n in rows:
        row = out.setdefault((who, customer), {"who": who, "customer": customer, **{k: 0 for k in KINDS}})
        row[kind] = int(n)
    return sorted(out.values(), key=lambda r: (-sum(r[k] for k in KINDS), r["who"]))


def choices(db: Database) -> tuple[list[str], list[str]]:
    """The releases and models events were reported for (the page's filters)."""
    with db.read() as conn:
        releases = [r for (r,) in conn.execute(select(events.c.release).distinct().order_by(events.c.release))]
        models = [m for (m,) in conn.execute(select(events.c.model).distinct().order_by(events.c.model))]
    return releases, models


def rows(db: Database, f: Filters, with_who: bool) -> list[dict]:
    """Every event, oldest first, for the CSV export; `who` only for those who may see it."""
    columns = [events.c.received, events.c.at, events.c.kind, events.c.module, events.c.issue, events.c.language,
               events.c.release, events.c.model, events.c.product, events.c.customer, events.c.source]
    if with_who:
        columns.append(events.c.who)
    with db.read() as conn:
        return [dict(r) for r in conn.execute(_select(*columns, f=f).order_by(events.c.received, events.c.id)).mappings()]
