"""Orders on the shared server: the HTTP API under /api/orders and the supply desk's pages under /orders.

Technicians (permission `order`) submit orders and follow their own; the supply desk (`handle_orders`)
decides, moves orders on, keeps the stock list, consolidates purchases and reads consumption. Every rule is
enforced here, server-side, whatever a page or a device sends; state-changing requests carry the session's
CSRF token like every other form and API call of ietm. A published bundle on another origin may submit
orders when its origin is listed in `orders.allowed_origins` (CORS, credentials, those paths only).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from contextlib import asynccontextmanager
from typing import Any, Callable

from fastapi import APIRouter, Depends, FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ietm.accounts import Session, User
from ietm.errors import InputError, Refused
from ietm.i18n import message
from ietm.orders import erp, exports, stats
from ietm.orders.erp import Deliverer, ErpSettings
from ietm.orders.parts import PartsIndex
from ietm.orders.stock import read_stock_csv, write_stock_csv
from ietm.orders.store import FLOW, STATUSES, Decision, Order, OrderStore, key_reused
from ietm.orders.validate import (URGENCIES, LineIn, OrderIn, OrderRefused, alternatives, check,
                                  check_substitute, find_product, number)
from ietm.web import deps
from ietm.web.access import cleared, csrf_field, require
from ietm.web.deps import page as _shell_page

router = APIRouter(tags=["orders"])


def _page(request: Request, template: str, status: int = 200, **extra) -> HTMLResponse:
    return _shell_page(request, template, status, when=_when, qty=number, **extra)


def _when(seconds: float | None) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if seconds else ""
KEY = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
#: the API a published bundle on another origin may call (with the reader's session)
BUNDLE_PATHS = ("/api/orders", "/api/me")


class Orders:
    """The server's orders: the store, the parts of the manual, the settings and the ERP deliverer."""

    def __init__(self, app: FastAPI) -> None:
        site = app.state.site
        self.site = site
        self.store = OrderStore(app.state.db, app.state.audit)
        self.settings = ErpSettings.of(site.config)
        self.deliverer = Deliverer(self.store, self.settings)
        self.max_quantity = float(site.config.get("orders.max_quantity"))

    @property
    def parts(self) -> PartsIndex:
        return PartsIndex.of(self.site)

    def visible(self, order_id: int, session: Session) -> Order:
        """An order its owner or the supply desk asks for; anyone else is refused."""
        if session.user.may("handle_orders"):
            return self.store.get(order_id)
        return self.store.owned(order_id, session.user.name)


def service(request: Request) -> Orders:
    return request.app.state.orders


def install(app: FastAPI) -> None:
    """Add the orders API, the desk pages, the bundle CORS and the ERP delivery loop to the viewer app."""
    app.state.orders = Orders(app)
    app.include_router(router)
    app.add_exception_handler(OrderRefused, _refused)
    origins = [o.rstrip("/") for o in app.state.site.config.get("orders.allowed_origins")]
    if origins:
        app.add_middleware(BundleCors, origins=origins)
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI):
        deliverer = app.state.orders.deliverer
        thread = deliverer.start()
        try:
            async with previous(a) as state:
                yield state
        finally:
            deliverer.stop.set()
            deliverer.wake.set()
            await asyncio.to_thread(thread.join, 10)

    app.router.lifespan_context = lifespan


async def _refused(request: Request, exc: OrderRefused) -> Response:
    language = deps.language(request)
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"error": {
            "status": exc.http_status, "kind": "OrderRefused", "message": exc.said(language),
            "where": exc.problems[0].where, "problems": [p.to_dict(language) for p in exc.problems]}},
            exc.http_status)
    from ietm.web.app import error_response

    return error_response(request, exc.http_status, "OrderRefused", exc.said(language), exc.problems[0].where)


class BundleCors:
    """CORS for published bundles: the configured origins, and no other, may call the orders API with the
    reader's session (preflight answered here; other paths get no CORS headers at all)."""

    def __init__(self, app, origins: list[str]) -> None:
        self.app = app
        self.origins = set(origins)

    async def __call__(self, scope, receive, send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        origin = headers.get(b"origin", b"").decode("latin-1")
        if scope["type"] != "http" or origin not in self.origins or not scope["path"].startswith(BUNDLE_PATHS):
            await self.app(scope, receive, send)
            return
        allow = [(b"access-control-allow-origin", origin.encode()), (b"access-control-allow-credentials", b"true"),
                 (b"vary", b"Origin")]
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await send({"type": "http.response.start", "status": 204, "headers": allow + [
                (b"access-control-allow-methods", b"GET, POST"),
                (b"access-control-allow-headers", b"content-type, x-csrf-token, idempotency-key"),
                (b"access-control-max-age", b"600")]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_cors(msg: dict) -> None:
            if msg["type"] == "http.response.start":
                msg["headers"] = list(msg.get("headers", [])) + allow
            await send(msg)

        await self.app(scope, receive, with_cors)


# -- API models ------------------------------------------------------------------------------------------------

class SourceIn(BaseModel):
    kind: str = Field("", max_length=16, description="ipd, spare, supply, remedy or repository")
    module: str = Field("", max_length=80, description="Data module code the part was taken from")
    figure: str = Field("", max_length=16)
    item: str = Field("", max_length=32, description="IPD item (callout) or the element's id")


class LineModel(BaseModel):
    part_number: str = Field(..., max_length=64)
    manufacturer_code: str = Field("", max_length=16)
    quantity: float
    unit: str = Field("", max_length=16)
    note: str = Field("", max_length=1000)
    source: SourceIn = SourceIn()


class OrderModel(BaseModel):
    product: str = Field(..., max_length=128, description="Product id of the PCT (the product picker's choice)")
    urgency: str = Field("routine", description=" | ".join(URGENCIES))
    work_order: str = Field("", max_length=64)
    remark: str = Field("", max_length=2000)
    language: str = Field("", max_length=8)
    lines: list[LineModel]

    def domain(self) -> OrderIn:
        return OrderIn(self.product, [LineIn(
            ln.part_number, ln.quantity, ln.manufacturer_code, ln.unit, ln.note, ln.source.module, ln.source.kind,
            ln.source.figure, ln.source.item) for ln in self.lines], self.urgency, self.work_order, self.remark,
            self.language)


class PartIn(BaseModel):
    part_number: str = Field(..., max_length=64)
    manufacturer_code: str = Field("", max_length=16)


class LineDecisionIn(BaseModel):
    line: int
    approve: bool
    quantity: float | None = None
    substitute: PartIn | None = None
    reason: str = Field("", max_length=1000)


class DecisionIn(BaseModel):
    approve_all: bool = Field(False, description="Approve every line still pending, as asked")
    reject_all: str = Field("", max_length=1000, description="Reject every line still pending, for this reason")
    lines: list[LineDecisionIn] = []


class StatusIn(BaseModel):
    status: str = Field(..., description=" | ".join(FLOW[2:]))


class SeenIn(BaseModel):
    orders: list[int]


class SupplierIn(BaseModel):
    supplier: str = Field(..., max_length=16, description="Manufacturer code of the supplier")


# -- submitting --------------------------------------------------------------------------------------------------

@router.post("/api/orders", status_code=201, summary="Submit an order (exactly once per Idempotency-Key)",
             responses={200: {"description": "This key was already received: the order it made"},
                        409: {"description": "This key was used for another order"},
                        422: {"description": "Refused: every problem, each with its place"}})
def submit(body: OrderModel, request: Request, response: Response,
           idempotency_key: str = Header("", description="A key of the device's own for this submission"),
           session: Session = Depends(require("order"))) -> dict:
    orders = service(request)
    if not KEY.match(idempotency_key):
        raise InputError(message("orders_key_missing"), "Idempotency-Key")
    order = body.domain()
    order.language = order.language or deps.language(request)
    user = session.user
    earlier = orders.store.submission(user.name, idempotency_key)
    if earlier is None:
        checked = check(order, orders.parts, orders.max_quantity, lambda module: _cleared(orders, module, user))
        order_id, created = orders.store.submit(user.name, idempotency_key, checked)
    elif earlier[1] != order.digest():
        raise key_reused(idempotency_key, earlier[0])
    else:
        order_id, created = earlier[0], False
    response.headers["Location"] = f"/api/orders/{order_id}"
    if not created:
        response.status_code = 200
    return {"order": orders.store.get(order_id).to_dict(), "replayed": not created,
            "message": message("orders_replayed" if not created else "orders_received", id=order_id)
            .in_language(deps.language(request))}


def _cleared(orders: Orders, module: str, user: User) -> bool:
    return cleared(orders.site, module, None, user)


# -- reading ------------------------------------------------------------------------------------------------------

@router.get("/api/orders", summary="Orders: a technician's own, or all of them for the supply desk")
def list_orders(request: Request, status: str | None = Query(None, description=" | ".join(STATUSES)),
                limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
                session: Session = Depends(require("read"))) -> dict:
    owner = _owner_filter(session)
    found = service(request).store.listing(owner, status, limit, offset)
    return {"orders": [o.to_dict() for o in found]}


def _owner_filter(session: Session) -> str | None:
    """None (all orders) for the supply desk, the user's own name for a technician, refused for the rest."""
    if session.user.may("handle_orders"):
        return None
    if session.user.may("order"):
        return session.user.name
    raise Refused(message("role_may_not", role=session.user.role, what=message("may_order")))


@router.get("/api/orders/news", summary="The caller's orders that changed since they last looked")
def news(request: Request, session: Session = Depends(require("order"))) -> dict:
    language = deps.language(request)
    return {"orders": [{"id": o.id, "status": o.status, "in_part": o.in_part, "url": f"/orders/{o.id}",
                        "summary": summary(o, language)} for o in service(request).store.news(session.user.name)]}


@router.post("/api/orders/news/seen", summary="Mark the changes of these orders as seen")
def news_seen(body: SeenIn, request: Request, session: Session = Depends(require("order"))) -> dict:
    return {"marked": service(request).store.seen(session.user.name, body.orders[:1000])}


def summary(order: Order, language: str) -> str:
    """One line a technician reads about an order: its status, and what was changed from what they asked."""
    status = message(f"orders_status_{order.status}").in_language(language)
    if order.status == "approved" and order.in_part:
        status = message("orders_approved_in_part", n=len(order.approved_lines), of=len(order.lines)).in_language(
            language)
    subs = [message("orders_instead", sub=ln.substitute_pn, pn=ln.part_number).in_language(language)
            for ln in order.lines if ln.substitute_pn]
    rejected = [f"{ln.part_number}: {ln.reason}" for ln in order.lines if ln.state == "rejected" and ln.reason]
    return message("orders_summary", id=order.id, status=status).in_language(language) + "".join(
        f"; {x}" for x in subs + rejected)


@router.get("/api/orders/stats", summary="Consumption per part, product model, serial number and period")
def stats_api(request: Request, part: str = "", model: str = "", serial: str = "", since: dt.date | None = None,
              until: dt.date | None = None, session: Session = Depends(require("handle_orders"))) -> dict:
    data = stats.consumption(service(request).store.db, stats.Filter(part, model, serial, since, until))
    return {"rows": [{"part_number": r.part_number, "name": r.name, "unit": r.unit, "model": r.model,
                      "serial": r.serial, "asked": r.asked, "approved": r.approved, "received": r.received,
                      "orders": len(r.orders)} for r in data.rows],
            "months": [{"month": m, "approved": a, "received": r} for m, a, r in data.months],
            "top": [{"part_number": p, "name": n, "approved": q} for p, n, q in data.top]}


@router.get("/api/orders/stock", summary="The stock list: quantity on hand per part")
def stock_api(request: Request, session: Session = Depends(require("handle_orders"))) -> dict:
    return {"stock": [{"part_number": r.part_number, "manufacturer_code": r.cage, "quantity": r.quantity,
                       "unit": r.unit, "location": r.location} for r in service(request).store.stock()]}


@router.post("/api/orders/stock", summary="Import a stock list (CSV body); every listed part gets that quantity")
async def stock_import_api(request: Request, replace: bool = False,
                           session: Session = Depends(require("handle_orders"))) -> dict:
    text = (await request.body()).decode("utf-8-sig", errors="replace")
    rows = read_stock_csv(text, "stock.csv")
    count = await asyncio.to_thread(service(request).store.import_stock, rows, session.user.name, replace)
    return {"imported": count}


@router.get("/api/orders/purchase", summary="Approved lines not yet purchased, one line per part and supplier")
def purchase_api(request: Request, session: Session = Depends(require("handle_orders"))) -> dict:
    return {"purchase": [{"supplier": p.supplier, "part_number": p.part_number, "name": p.name, "unit": p.unit,
                          "quantity": p.quantity, "from": [{"order": o, "line": n, "quantity": q} for o, n, q in
                                                           p.sources]}
                         for p in exports.consolidate(service(request).store.unpurchased())]}


@router.post("/api/orders/purchase", summary="Record the purchase of one supplier's consolidated lines")
def purchase_record_api(body: SupplierIn, request: Request,
                        session: Session = Depends(require("handle_orders"))) -> dict:
    return {"purchase": _purchase(service(request), body.supplier, session.user.name)}


def _purchase(orders: Orders, supplier: str, actor: str) -> int:
    pairs = [(o.id, ln.line) for o, ln in orders.store.unpurchased() if ln.supplied_cage == supplier]
    return orders.store.purchase(actor, supplier, pairs)


@router.get("/api/orders/{order_id}", summary="One order, with its lines, history and ERP delivery")
def get_order(order_id: int, request: Request, session: Session = Depends(require("read"))) -> dict:
    _owner_filter(session)
    return {"order": service(request).visible(order_id, session).to_dict()}


# -- the desk's decisions -----------------------------------------------------------------------------------------

@router.post("/api/orders/{order_id}/decision", summary="Approve (whole or per line, with substitutes) or reject")
def decide_api(order_id: int, body: DecisionIn, request: Request,
               session: Session = Depends(require("handle_orders"))) -> dict:
    orders = service(request)
    order = orders.store.get(order_id)
    pending = [ln for ln in order.lines if ln.state == "pending"]
    if body.approve_all:
        decisions = [Decision(ln.line, True) for ln in pending]
    elif body.reject_all.strip():
        decisions = [Decision(ln.line, False, reason=body.reject_all) for ln in pending]
    else:
        decisions = [Decision(d.line, d.approve, d.quantity, d.substitute.part_number if d.substitute else "",
                              d.substitute.manufacturer_code if d.substitute else "", d.reason) for d in body.lines]
    return {"order": decide(orders, order, decisions, session.user.name).to_dict()}


def decide(orders: Orders, order: Order, decisions: list[Decision], actor: str) -> Order:
    """Check each substitute against the IPD and the order's product, then record the decisions."""
    if any(d.substitute_pn for d in decisions):
        product = find_product(orders.parts, order.product_id)
        by_line = {ln.line: ln for ln in order.lines}
        for d in decisions:
            ln = by_line.get(d.line)
            if d.approve and d.substitute_pn and ln is not None:
                sub = check_substitute(orders.parts, product, ln.part_number, ln.cage, ln.source_module,
                                       d.substitute_pn, d.substitute_cage)
                d.substitute_pn, d.substitute_cage = sub.part_number, d.substitute_cage or sub.cage
    decided = orders.store.decide(order.id, actor, decisions, payload=exports.erp_message)
    if decided.delivery is not None:
        orders.deliverer.wake.set()
    return decided


@router.post("/api/orders/{order_id}/status", summary="Mark an approved order ordered, shipped or received")
def status_api(order_id: int, body: StatusIn, request: Request,
               session: Session = Depends(require("handle_orders"))) -> dict:
    return {"order": service(request).store.advance(order_id, session.user.name, body.status).to_dict()}


@router.post("/api/orders/{order_id}/delivery/retry", summary="Send a failed ERP delivery again (same key)")
def retry_api(order_id: int, request: Request, session: Session = Depends(require("handle_orders"))) -> dict:
    orders = service(request)
    retried = erp.retry(orders.store, order_id, session.user.name)
    orders.deliverer.wake.set()
    return {"retried": retried}


# -- files ------------------------------------------------------------------------------------------------------

def _download(body: str | bytes, media: str, name: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/orders/export.csv", summary="Orders as CSV, one row per line")
def export_csv(request: Request, status: str | None = None,
               session: Session = Depends(require("handle_orders"))) -> Response:
    found = service(request).store.listing(None, status, limit=None)
    return _download(exports.orders_csv(found), "text/csv; charset=utf-8", "orders.csv")


@router.get("/orders/export.xml", summary="Orders as XML (schemas/orders/orders.xsd)")
def export_xml(request: Request, status: str | None = None,
               session: Session = Depends(require("handle_orders"))) -> Response:
    found = service(request).store.listing(None, status, limit=None)
    return _download(exports.orders_xml(found), "application/xml", "orders.xml")


@router.get("/orders/purchase.csv", summary="Consolidated purchase lines as CSV")
def purchase_csv(request: Request, session: Session = Depends(require("handle_orders"))) -> Response:
    lines = exports.consolidate(service(request).store.unpurchased())
    return _download(exports.purchase_csv(lines), "text/csv; charset=utf-8", "purchase.csv")


@router.get("/orders/purchase.xml", summary="Consolidated purchase lines as XML (schemas/orders/orders.xsd)")
def purchase_xml(request: Request, session: Session = Depends(require("handle_orders"))) -> Response:
    lines = exports.consolidate(service(request).store.unpurchased())
    return _download(exports.purchase_xml(lines), "application/xml", "purchase.xml")


@router.get("/orders/stock.csv", summary="The stock list as CSV")
def stock_csv(request: Request, session: Session = Depends(require("handle_orders"))) -> Response:
    return _download(write_stock_csv(service(request).store.stock()), "text/csv; charset=utf-8", "stock.csv")


@router.get("/orders/stats.csv", summary="Consumption as CSV")
def stats_csv(request: Request, part: str = "", model: str = "", serial: str = "", since: dt.date | None = None,
              until: dt.date | None = None, session: Session = Depends(require("handle_orders"))) -> Response:
    data = stats.consumption(service(request).store.db, stats.Filter(part, model, serial, since, until))
    return _download(stats.consumption_csv(data), "text/csv; charset=utf-8", "consumption.csv")


@router.get("/orders/{order_id}.xml", summary="One order as XML (schemas/orders/orders.xsd)")
def order_xml(order_id: int, request: Request, session: Session = Depends(require("read"))) -> Response:
    _owner_filter(session)
    order = service(request).visible(order_id, session)
    return _download(exports.orders_xml([order]), "application/xml", f"order-{order_id}.xml")


# -- pages ----------------------------------------------------------------------------------------------------

@router.get("/orders", response_class=HTMLResponse, include_in_schema=False)
def desk(request: Request, status: str = "", session: Session = Depends(require("read"))) -> HTMLResponse:
    owner = _owner_filter(session)
    orders = service(request)
    found = orders.store.listing(owner, status or None, limit=500)
    language = deps.language(request)
    return _page(request, "orders.html", title=message("orders_title" if owner is None else "orders_mine"),
                 orders=found, desk=owner is None, current=status, statuses=STATUSES,
                 counts=orders.store.counts() if owner is None else {},
                 summaries={o.id: summary(o, language) for o in found}, erp=bool(orders.settings.url))


@router.get("/orders/stats", response_class=HTMLResponse, include_in_schema=False)
def stats_page(request: Request, part: str = "", model: str = "", serial: str = "", since: str = "",
               until: str = "", session: Session = Depends(require("handle_orders"))) -> HTMLResponse:
    wanted = stats.Filter(part.strip(), model.strip(), serial.strip(), _date(since), _date(until))
    data = stats.consumption(service(request).store.db, wanted)
    language = deps.language(request)

    def say(key: str) -> str:
        return message(key).in_language(language)

    query = "&".join(f"{k}={v}" for k, v in (("part", part), ("model", model), ("serial", serial),
                                             ("since", since), ("until", until)) if v)
    return _page(request, "orders_stats.html", title=message("orders_stats"), data=data, wanted=wanted,
                 query=query, months_chart=stats.months_chart(data.months, say("orders_chart_months"),
                                                              say("orders_qty_approved"), say("orders_qty_received")),
                 top_chart=stats.top_chart(data.top, say("orders_chart_top")))


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        raise InputError(message("orders_bad_date", value=text)) from None


@router.get("/orders/stock", response_class=HTMLResponse, include_in_schema=False)
def stock_page(request: Request, session: Session = Depends(require("handle_orders"))) -> HTMLResponse:
    return _page(request, "orders_stock.html", title=message("orders_stock"), rows=service(request).store.stock(),
                 csrf=session.csrf, outcome=None)


@router.post("/orders/stock", response_class=HTMLResponse, include_in_schema=False)
async def stock_upload(request: Request, file: UploadFile = File(...), replace: bool = Form(False),
                       csrf: str = Form(""), session: Session = Depends(require("handle_orders"))) -> HTMLResponse:
    csrf_field(request, csrf)
    orders = service(request)
    text = (await file.read()).decode("utf-8-sig", errors="replace")
    rows = read_stock_csv(text, file.filename or "stock.csv")
    count = await asyncio.to_thread(orders.store.import_stock, rows, session.user.name, replace)
    return _page(request, "orders_stock.html", title=message("orders_stock"), rows=orders.store.stock(),
                 csrf=session.csrf, outcome=message("orders_stock_imported", n=count))


@router.get("/orders/purchase", response_class=HTMLResponse, include_in_schema=False)
def purchase_page(request: Request, session: Session = Depends(require("handle_orders"))) -> HTMLResponse:
    lines = exports.consolidate(service(request).store.unpurchased())
    suppliers: dict[str, list] = {}
    for p in lines:
        suppliers.setdefault(p.supplier, []).append(p)
    return _page(request, "orders_purchase.html", title=message("orders_purchase"), suppliers=suppliers,
                 csrf=session.csrf)


@router.post("/orders/purchase", include_in_schema=False)
def purchase_form(request: Request, supplier: str = Form("", max_length=16), csrf: str = Form(""),
                  session: Session = Depends(require("handle_orders"))) -> Response:
    csrf_field(request, csrf)
    _purchase(service(request), supplier, session.user.name)
    return RedirectResponse("/orders/purchase", status_code=303)


@router.get("/orders/{order_id}", response_class=HTMLResponse, include_in_schema=False)
def order_page(order_id: int, request: Request, session: Session = Depends(require("read"))) -> HTMLResponse:
    _owner_filter(session)
    return _order_page(request, service(request), service(request).visible(order_id, session), session)


def _order_page(request: Request, orders: Orders, order: Order, session: Session, status: int = 200,
                problems: list | None = None) -> HTMLResponse:
    desk_user = session.user.may("handle_orders")
    language = deps.language(request)
    options: dict[int, list] = {}
    stock: dict = {}
    if desk_user:
        stock = orders.store.on_hand({(ln.supplied_pn, ln.supplied_cage) for ln in order.lines}
                                     | {(ln.part_number, ln.cage) for ln in order.lines})
        try:
            product = find_product(orders.parts, order.product_id)
        except OrderRefused:
            product = None
        for ln in order.lines:
            if ln.state == "pending":
                options[ln.line] = alternatives(orders.parts, product, ln.part_number, ln.cage, ln.source_module)[1]
                stock.update(orders.store.on_hand({(o.part_number, o.cage) for o in options[ln.line]}))
    if order.owner == session.user.name:
        orders.store.seen(session.user.name, [order.id])
    return _page(request, "order.html", status, title=message("orders_order", id=order.id), order=order,
                 desk=desk_user, csrf=session.csrf, options=options, stock=stock, flow=FLOW,
                 summary=summary(order, language), problems=[p.to_dict(language) for p in problems or []],
                 erp=bool(orders.settings.url))


def _form_action(handler: Callable[[], Any], request: Request, order_id: int, session: Session) -> Response:
    """Run a desk form's change; refused, the order's page says why (422) and nothing changed."""
    orders = service(request)
    try:
        handler()
    except OrderRefused as exc:
        return _order_page(request, orders, orders.store.get(order_id), session, exc.http_status, exc.problems)
    return RedirectResponse(f"/orders/{order_id}", status_code=303)


@router.post("/orders/{order_id}/decide", include_in_schema=False)
async def decide_form(order_id: int, request: Request, session: Session = Depends(require("handle_orders"))) -> Response:
    form = await request.form()
    csrf_field(request, str(form.get("csrf", "")))
    orders = service(request)
    order = orders.store.get(order_id)
    pending = [ln for ln in order.lines if ln.state == "pending"]
    whole = str(form.get("whole", ""))
    reason = str(form.get("reason", ""))[:1000]
    if whole == "approve":
        decisions = [Decision(ln.line, True) for ln in pending]
    elif whole == "reject":
        decisions = [Decision(ln.line, False, reason=reason) for ln in pending]
    else:
        decisions = []
        for ln in pending:
            action = str(form.get(f"action-{ln.line}", ""))
            if action not in ("approve", "reject"):
                continue
            sub_pn, _, sub_cage = str(form.get(f"substitute-{ln.line}", "")).partition("|")
            qty = str(form.get(f"quantity-{ln.line}", "")).replace(",", ".").strip()
            try:
                quantity = float(qty) if qty else None
            except ValueError:
                quantity = -1.0  # refused with the line's number below
            decisions.append(Decision(ln.line, action == "approve", quantity, sub_pn[:64], sub_cage[:16],
                                      str(form.get(f"reason-{ln.line}", ""))[:1000]))
    return await asyncio.to_thread(_form_action, lambda: decide(orders, order, decisions, session.user.name),
                                   request, order_id, session)


@router.post("/orders/{order_id}/status", include_in_schema=False)
def status_form(order_id: int, request: Request, status: str = Form(...), csrf: str = Form(""),
                session: Session = Depends(require("handle_orders"))) -> Response:
    csrf_field(request, csrf)
    store = service(request).store
    return _form_action(lambda: store.advance(order_id, session.user.name, status), request, order_id, session)


@router.post("/orders/{order_id}/retry", include_in_schema=False)
def retry_form(order_id: int, request: Request, csrf: str = Form(""),
               session: Session = Depends(require("handle_orders"))) -> Response:
    csrf_field(request, csrf)
    orders = service(request)
    erp.retry(orders.store, order_id, session.user.name)
    orders.deliverer.wake.set()
    return RedirectResponse(f"/orders/{order_id}", status_code=303)
