"""Usage on the server: the API the viewer and delivered bundles report to (`POST /api/usage`), and the page
`/usage` for admin and QA: coverage (modules never opened, procedures never completed, most remarked modules),
counts per release and product model, charts, and the CSV export. Who did what (personal data) is shown to
admin only, and leaves the server only in the admin's own CSV.

Reporting is allowed by `[usage] report`; with it off the API refuses events (403) and no page carries the
script that would send them (ietm.web.pages: script#ietm-usage).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from ietm import csvout
from ietm.accounts import Session
from ietm.check.completeness import NOT_PUBLISHED
from ietm.errors import Refused
from ietm.i18n import message, words
from ietm import charts
from ietm.usage import store
from ietm.usage.store import KINDS, Filters
from ietm.web import deps, i18n
from ietm.web.access import require
from ietm.web.pages import Crumb

router = APIRouter()
PROCEDURES = ("procedural", "crew")  # modules whose page runs a procedure with a work record
TOP = 10

words({
    "usage": ("How the manual is used", "Как используется руководство"),
    "usage_off": ("Usage reporting is off on this server: `[usage] report` in `ietm.toml`.",
                  "Сбор сведений об использовании на этом сервере выключен: `[usage] report` в `ietm.toml`."),
    "usage_refused": ("usage reporting is off on this server", "сбор сведений об использовании на этом сервере выключен"),
    "usage_login": ("log in, or send with a delivered bundle's key", "войдите или отправляйте с ключом поставки"),
    "usage_filter": ("Show", "Показать"),
    "usage_all_releases": ("all releases", "все выпуски"),
    "usage_all_models": ("all models", "все модели"),
    "usage_release": ("Release", "Выпуск"),
    "usage_model": ("Product model", "Модель изделия"),
    "usage_unreleased": ("(unreleased)", "(не выпущено)"),
    "usage_unknown_model": ("(not chosen)", "(не выбрана)"),
    "usage_kind_open": ("modules opened", "открытий модулей"),
    "usage_kind_procedure": ("procedures completed", "выполненных процедур"),
    "usage_kind_fault": ("faults isolated", "локализованных неисправностей"),
    "usage_kind_remark": ("remarks made", "замечаний"),
    "usage_totals": ("Events", "События"),
    "usage_coverage": ("Coverage", "Охват"),
    "usage_coverage_line": ("{opened} of {modules} data modules opened; {done} of {procedures} procedures completed at least once",
                            "Открыто модулей данных: {opened} из {modules}; процедур, выполненных хотя бы раз: {done} из {procedures}"),
    "usage_never_opened": ("Modules never opened", "Модули, которые ни разу не открывали"),
    "usage_never_done": ("Procedures never completed", "Процедуры, которые ни разу не выполняли"),
    "usage_most_remarked": ("Most remarked modules", "Модули с наибольшим числом замечаний"),
    "usage_most_opened": ("Most opened modules", "Чаще всего открываемые модули"),
    "usage_by_release": ("By release and product model", "По выпускам и моделям изделий"),
    "usage_people": ("Who (visible to administrators only)", "Кто (видно только администраторам)"),
    "usage_who": ("Person", "Сотрудник"),
    "usage_customer": ("Customer", "Заказчик"),
    "usage_none": ("None.", "Нет."),
    "usage_no_events": ("No events reported yet.", "Событий пока нет."),
    "usage_csv": ("Export (CSV)", "Выгрузить (CSV)"),
    "usage_module": ("Module", "Модуль"),
    "usage_count": ("Count", "Количество"),
})


class EventIn(BaseModel):
    key: str = Field(..., min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    kind: str = Field(..., pattern="^(open|procedure|fault|remark)$")
    module: str = Field(..., min_length=5, max_length=200, pattern=r"^DMC-[A-Za-z0-9-]+$")
    issue: str = Field("", max_length=10)
    language: str = Field("", max_length=20)
    release: str = Field("", max_length=200)
    model: str = Field("", max_length=100)
    product: str = Field("", max_length=100)
    at: str = Field("", max_length=40)
    detail: dict = Field(default_factory=dict)


class EventsIn(BaseModel):
    items: list[EventIn] = Field(..., min_length=1, max_length=500)


def _detail(d: dict) -> dict:
    """Small, plain detail only: a hostile client gets no large or nested blobs into the database."""
    return {str(k)[:40]: (v if isinstance(v, (int, float, bool)) or v is None else str(v)[:200])
            for k, v in list(d.items())[:10]}


@router.post("/api/usage", tags=["usage"], summary="Report use of the manual (modules opened, procedures completed, "
             "faults isolated, remarks): as the logged-in reader, or a delivered bundle with its key")
def report(body: EventsIn, request: Request, authorization: str | None = Header(None)) -> dict:
    if not request.app.state.site.config.get("usage.report"):
        raise Refused(message("usage_refused"))
    db = request.app.state.db
    session: Session | None = getattr(request.state, "session", None)
    items = [{**e.model_dump(), "detail": _detail(e.detail)} for e in body.items]
    if session is not None:
        return {"received": len(items), "new": store.record(db, items, "viewer", who=session.user.name)}
    from ietm.deliver import register
    from ietm.deliver.web import bearer

    if not authorization:
        raise Refused(message("usage_login"))
    row = register.check_token(db, *bearer(authorization))
    return {"received": len(items),
            "new": store.record(db, items, "bundle", delivery=row["id"], customer=row["customer"])}


def _filters(release: str | None, model: str | None) -> Filters:
    return Filters(release if release not in (None, "*") else None, model if model not in (None, "*") else None)


def _top(counted: dict[str, int], titles: dict[str, str]) -> list[tuple[str, int]]:
    best = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    return [(f"{titles.get(k, '')} ({k.removeprefix('DMC-')})" if titles.get(k) else k, n) for k, n in best]


@router.get("/usage", response_class=HTMLResponse, include_in_schema=False)
def usage_page(request: Request, release: str | None = Query(None, max_length=200),
               model: str | None = Query(None, max_length=100),
               session=Depends(require("review_usage"))) -> HTMLResponse:
    db, site, lang = request.app.state.db, deps.site(request), deps.language(request)
    f = _filters(release, model)
    hidden = deps.hidden(request)
    modules = {o.key: o for o in site.data_modules(hidden) if o.content_type not in NOT_PUBLISHED}
    titles = {k: o.title or "" for k, o in modules.items()}
    opened, done = store.by_module(db, f, "open"), store.by_module(db, f, "procedure")
    remarked = store.by_module(db, f, "remark")
    procedures = [k for k, o in modules.items() if o.content_type in PROCEDURES]
    totals = store.counts(db, f)
    releases, models = store.choices(db)
    kinds = [(i18n.t(f"usage_kind_{k}", lang), totals[k]) for k in KINDS]
    coverage = {"modules": len(modules), "opened": sum(1 for k in modules if k in opened),
                "procedures": len(procedures), "done": sum(1 for k in procedures if k in done)}
    title = i18n.t("usage", lang)
    ctx = deps.pages(request).base(
        deps.links(request), lang, "/usage", title=title, crumbs=[Crumb(i18n.t("home", lang), "/"), Crumb(title)],
        enabled=bool(site.config.get("usage.report")), totals=totals, kinds=KINDS, coverage=coverage,
        chart_totals=charts.bars(kinds, i18n.t("usage_totals", lang), "totals"),
        chart_opened=charts.bars(_top(opened, titles), i18n.t("usage_most_opened", lang), "opened"),
        chart_remarked=charts.bars(_top(remarked, titles), i18n.t("usage_most_remarked", lang), "remarked"),
        never_opened=[modules[k] for k in sorted(modules) if k not in opened],
        never_done=[modules[k] for k in sorted(procedures) if k not in done],
        remarked=_top(remarked, titles), by_release=store.by_release_model(db),
        people=store.people(db, f) if session.user.may("see_usage_people") else None,
        releases=releases, models=models, release=release or "*", model=model or "*",
        csv_url="/usage.csv" + (f"?{request.url.query}" if request.url.query else ""))
    return HTMLResponse(deps.pages(request).render("usage.html", ctx))


@router.get("/usage.csv", include_in_schema=False)
def usage_csv(request: Request, release: str | None = Query(None, max_length=200),
              model: str | None = Query(None, max_length=100),
              session=Depends(require("review_usage"))) -> Response:
    with_who = session.user.may("see_usage_people")
    rows = store.rows(request.app.state.db, _filters(release, model), with_who)
    head = ["received", "at", "kind", "module", "issue", "language", "release", "model", "product", "customer", "source"]

    def when(ts: float) -> str:
        return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    text = csvout.table(head + (["who"] if with_who else []),
                        ([when(r["received"]), when(r["at"]), *(r[k] for k in head[2:]), *([r["who"]] if with_who else [])]
                         for r in rows))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="usage.csv"'})
