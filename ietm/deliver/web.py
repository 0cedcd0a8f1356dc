"""The register of deliveries on the server: the admin pages `/admin/deliveries` (who holds which release for
which product, what is behind, every delivery and its receipt) and `/admin/deliveries/needs`, and the API a
delivered bundle sends its receipt to (`POST /api/deliveries/{id}/receipts`, with the bundle's own key).

Bundles are served from wherever the customer puts them, so the receipt API answers any origin (CORS without
credentials): what lets a request in is the delivery's key, which only that bundle holds (ietm.deliver.register
keeps its hash), not a cookie.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Header, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from ietm import csvout
from ietm.deliver import register
from ietm.deliver.source import current
from ietm.errors import IetmError, InputError, NotFound
from ietm.i18n import words
from ietm.web import access, deps, i18n
from ietm.web.access import csrf_field, require
from ietm.web.pages import Crumb

router = APIRouter()
BUNDLE_API = ("/api/deliveries/", "/api/usage")  # what delivered bundles call with their key (see DeliveryCors)
MAX_RECEIPT = 2 * 1024 * 1024

words({
    "deliveries": ("Deliveries to customers", "Поставки ИЭТР заказчикам"),
    "deliveries_holdings": ("Who holds which release", "Кто какой выпуск получил"),
    "deliveries_current": ("Current release of the CSDB: {name} ({created})", "Текущий выпуск базы: {name} ({created})"),
    "deliveries_no_release": ("The CSDB has no release yet: `ietm release` makes one.", "У базы ещё нет выпуска: его делает `ietm release`."),
    "deliveries_none": ("No deliveries yet: `ietm deliver` makes one.", "Поставок пока нет: их делает `ietm deliver`."),
    "deliveries_customer": ("Customer", "Заказчик"),
    "deliveries_product": ("Product", "Изделие"),
    "deliveries_model": ("Model", "Модель"),
    "deliveries_serial": ("Serial number", "Заводской номер"),
    "deliveries_held": ("Holds (confirmed)", "Получен (подтверждено)"),
    "deliveries_sent": ("Last sent", "Последняя отправка"),
    "deliveries_state": ("State", "Состояние"),
    "deliveries_behind": ("behind the current release", "отстаёт от текущего выпуска"),
    "deliveries_up_to_date": ("current", "актуален"),
    "deliveries_awaiting": ("awaiting a receipt", "ожидается подтверждение получения"),
    "deliveries_nothing_confirmed": ("nothing confirmed", "получение не подтверждено"),
    "deliveries_all": ("Deliveries and update packages", "Поставки и пакеты обновлений"),
    "deliveries_id": ("Delivery", "Поставка"),
    "deliveries_kind": ("Kind", "Вид"),
    "deliveries_kind_delivery": ("delivery", "поставка"),
    "deliveries_kind_update": ("update package", "пакет обновления"),
    "deliveries_date": ("Date", "Дата"),
    "deliveries_release": ("Release", "Выпуск"),
    "deliveries_receipt": ("Receipt", "Подтверждение получения"),
    "deliveries_no_receipt": ("none yet", "пока нет"),
    "deliveries_applied": ("applied", "применено"),
    "deliveries_signed_by": ("signature {status}", "подпись: {status}"),
    "deliveries_verdict_complete": ("complete", "комплектна"),
    "deliveries_verdict_incomplete": ("incomplete", "некомплектна"),
    "deliveries_verdict_tampered": ("tampered", "изменена"),
    "deliveries_record_receipt": ("Record a receipt", "Зарегистрировать подтверждение получения"),
    "deliveries_receipt_file": ("Receipt file (written by `ietm verify-delivery --receipt`)", "Файл подтверждения (его пишет `ietm verify-delivery --receipt`)"),
    "deliveries_receipt_sig": ("Its signature, if signed (`.sig` or `.xsig`)", "Его подпись, если он подписан (`.sig` или `.xsig`)"),
    "deliveries_receipt_recorded": ("Receipt of {delivery} recorded: {verdict}; signature {signature}.",
                                    "Подтверждение по поставке {delivery} зарегистрировано: {verdict}; подпись: {signature}."),
    "deliveries_receipt_known": ("This receipt of {delivery} was recorded before.",
                                 "Это подтверждение по поставке {delivery} уже было зарегистрировано."),
    "deliveries_customer_cert": ("A customer's signing certificate", "Сертификат подписи заказчика"),
    "deliveries_cert_file": ("Certificate (PEM or DER)", "Сертификат (PEM или DER)"),
    "deliveries_cert_saved": ("Certificate of {customer} registered: their signed receipts are checked with it.",
                              "Сертификат заказчика {customer} зарегистрирован: его подписанные подтверждения проверяются по нему."),
    "deliveries_save": ("Save", "Сохранить"),
    "deliveries_too_large": ("the file is too large for what it should hold", "файл слишком велик для того, что в нём должно быть"),
    "deliveries_choose_receipt": ("choose the receipt file", "выберите файл подтверждения"),
    "deliveries_choose_cert": ("choose the certificate file", "выберите файл сертификата"),
    "deliveries_csv": ("Export (CSV)", "Выгрузить (CSV)"),
    "needs": ("Needs of delivered products", "Потребности поставленных изделий"),
    "needs_link": ("Needs: what each product should have and what its customer holds",
                   "Потребности: что положено каждому изделию и что у заказчика есть"),
    "needs_summary": ("{required} module(s) required by the DML for this product; {gaps} gap(s) to act on",
                      "Модулей, положенных изделию по перечню (DML): {required}; расхождений: {gaps}"),
    "needs_none": ("Nothing to act on.", "Действий не требуется."),
    "needs_gap": ("Gap", "Расхождение"),
    "needs_module": ("Module", "Модуль"),
    "needs_held": ("Held", "У заказчика"),
    "needs_latest": ("Latest", "Последний"),
    "needs_not-written": ("not written yet (the DML asks for it)", "ещё не разработан (есть в перечне DML)"),
    "needs_not-delivered": ("not delivered", "не поставлен"),
    "needs_outdated": ("outdated issue", "устаревший выпуск"),
    "needs_unconfirmed": ("delivery not acknowledged", "получение не подтверждено"),
    "needs_receipt": ("the customer's check found a problem", "проверка у заказчика выявила расхождения"),
})


def holdings_csv(holdings: list[dict]) -> str:
    """The holdings as CSV, as the page and `ietm deliveries list --format csv` give them."""
    head = ["customer", "product", "model", "serial", "release_held", "delivery_held", "release_sent",
            "delivery_sent", "receipt", "behind"]
    return csvout.table(head, ([h["customer"], h["product"], h["model"], h["serial"], (h["held"] or {}).get("release"),
                                (h["held"] or {}).get("delivery"), h["sent"]["release"], h["sent"]["delivery"],
                                (h["sent"]["receipt"] or {}).get("verdict"), "yes" if h["behind"] else "no"]
                               for h in holdings))


class ReceiptIn(BaseModel):
    id: str = Field(..., min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="The receipt's own key")
    verdict: str = Field(..., pattern="^(complete|incomplete|tampered)$")
    applied: bool = False
    checkedAt: str | None = Field(None, max_length=32)
    findings: list[dict] = Field(default_factory=list, max_length=5000)


def bearer(authorization: str | None) -> tuple[str, str]:
    """(delivery id, key) of `Authorization: Bearer <id>.<key>`, as a delivered bundle sends it."""
    ident, _, token = (authorization or "").removeprefix("Bearer ").strip().partition(".")
    if not authorization or not authorization.startswith("Bearer ") or not token:
        raise NotFound(i18n.message("no_such_address"))
    return ident, token


@router.post("/api/deliveries/{ident}/receipts", status_code=201, tags=["deliveries"],
             summary="A delivered bundle acknowledges receipt (or an applied update), with the delivery's key")
def bundle_receipt(ident: str, receipt: ReceiptIn, request: Request,
                   authorization: str | None = Header(None)) -> dict:
    db = request.app.state.db
    said, token = bearer(authorization)
    register.check_token(db, ident if said == ident else "", token)
    findings = [{k: str(f.get(k, ""))[:500] for k in ("state", "path", "detail")} for f in receipt.findings]
    new = register.record_receipt(db, register.Receipt(receipt.id, ident, receipt.verdict, receipt.applied,
                                                       receipt.checkedAt, findings, "unsigned", None, "bundle"))
    return {"delivery": ident, "recorded": new}


def _page(request: Request, template: str, title_key: str, path: str, crumbs: list[Crumb] | None = None,
          status: int = 200, **extra) -> HTMLResponse:
    pages, links, lang = deps.pages(request), deps.links(request), deps.language(request)
    title = i18n.t(title_key, lang)
    home = Crumb(i18n.t("home", lang), "/")
    ctx = pages.base(links, lang, path, title=title, crumbs=[home, *(crumbs or []), Crumb(title)], **extra)
    return HTMLResponse(pages.render(template, ctx), status)


def _said(exc: IetmError, lang: str) -> str:
    """An error in the page's language where ietm has its words in both (the receipt checker's own are English)."""
    where = exc.where()
    text = str(i18n.localise(exc.message, lang))
    return f"{where}: {text}" if where else text


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%d %H:%M") if ts else ""


def _view(request: Request, session, outcome: dict | None = None, status: int = 200) -> HTMLResponse:
    db, site = request.app.state.db, deps.site(request)
    now = current(site.csdb)
    return _page(request, "deliveries.html", "deliveries", "/admin/deliveries", status=status, outcome=outcome,
                 release=now, holdings=register.holdings(db, now), rows=register.listing(db), when=_when,
                 csrf=session.csrf)


@router.get("/admin/deliveries", response_class=HTMLResponse, include_in_schema=False)
def deliveries_page(request: Request, session=Depends(require("manage_deliveries"))) -> HTMLResponse:
    return _view(request, session)


@router.get("/admin/deliveries.csv", include_in_schema=False)
def deliveries_csv(request: Request, session=Depends(require("manage_deliveries"))) -> Response:
    db, site = request.app.state.db, deps.site(request)
    return Response(holdings_csv(register.holdings(db, current(site.csdb))), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="deliveries.csv"'})


@router.get("/api/deliveries", tags=["deliveries"], summary="The register of deliveries: holdings and deliveries")
def deliveries_json(request: Request, session=Depends(require("manage_deliveries"))) -> dict:
    db, site = request.app.state.db, deps.site(request)
    now = current(site.csdb)
    return {"current": now, "holdings": register.holdings(db, now),
            "deliveries": [{k: v for k, v in r.items() if k != "record"} for r in register.listing(db)]}


@router.get("/admin/deliveries/needs", response_class=HTMLResponse, include_in_schema=False)
async def needs_page(request: Request, session=Depends(require("manage_deliveries"))) -> HTMLResponse:
    from ietm.deliver.needs import report

    rows = await asyncio.to_thread(report, deps.site(request).csdb, request.app.state.db)
    lang = deps.language(request)
    return _page(request, "deliveries_needs.html", "needs", "/admin/deliveries/needs",
                 [Crumb(i18n.t("deliveries", lang), "/admin/deliveries")], rows=rows)


async def _read(upload: UploadFile | None, limit: int) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise InputError(i18n.message("deliveries_too_large"), upload.filename)
    return data


def _record_file(db, name: str, data: bytes, signature: bytes | None, sig_name: str,
                 user: str) -> tuple[register.Receipt, bool]:
    """A receipt file (and its signature) as uploaded: checked in a private folder under the name it was signed
    as, recorded once."""
    import tempfile

    from ietm.deliver import receipt as receipts
    from ietm.intake.archive import safe_name

    first = receipts.loads(data, "receipt")
    row = register.get(db, first["delivery"])
    with tempfile.TemporaryDirectory(prefix="ietm-receipt-") as folder:
        path = Path(folder) / safe_name(name)
        path.write_bytes(data)
        if signature is not None:
            suffix = ".xsig" if sig_name.lower().endswith(".xsig") else ".sig"
            path.with_name(path.name + suffix).write_bytes(signature)
        r = receipts.read(path, register.certificate_of(db, row["customer"]), user)
    return r, register.record_receipt(db, r)


@router.post("/admin/deliveries/receipt", response_class=HTMLResponse, include_in_schema=False)
async def receipt_upload(request: Request, receipt_file: UploadFile = File(...),
                         signature_file: UploadFile | None = File(None), csrf: str = Form(""),
                         session=Depends(require("manage_deliveries"))) -> HTMLResponse:
    csrf_field(request, csrf)
    lang = deps.language(request)
    try:
        data = await _read(receipt_file, MAX_RECEIPT)
        signature = await _read(signature_file, 64 * 1024)
        if not data:
            raise InputError(i18n.message("deliveries_choose_receipt"))
        r, new = await asyncio.to_thread(_record_file, request.app.state.db, receipt_file.filename, data, signature,
                                    signature_file.filename if signature_file else "", session.user.name)
    except IetmError as exc:
        return _view(request, session, {"ok": False, "message": _said(exc, lang)}, exc.http_status)
    verdict = i18n.t(f"deliveries_verdict_{r.verdict}", lang)
    key = "deliveries_receipt_recorded" if new else "deliveries_receipt_known"
    return _view(request, session, {"ok": True, "message": i18n.t(key, lang, delivery=r.delivery, verdict=verdict,
                                                                   signature=r.signature)})


@router.post("/admin/deliveries/customer", response_class=HTMLResponse, include_in_schema=False)
async def customer_certificate(request: Request, customer: str = Form(..., min_length=1, max_length=200),
                               cert_file: UploadFile = File(...), csrf: str = Form(""),
                               session=Depends(require("manage_deliveries"))) -> HTMLResponse:
    from cryptography.hazmat.primitives import serialization

    from ietm.sign.keys import load_certificates_data

    csrf_field(request, csrf)
    lang = deps.language(request)
    try:
        data = await _read(cert_file, 64 * 1024)
        if not data:
            raise InputError(i18n.message("deliveries_choose_cert"))
        pem = load_certificates_data(data, cert_file.filename)[0].public_bytes(serialization.Encoding.PEM).decode()
        name = " ".join(customer.split())
        await asyncio.to_thread(register.set_certificate, request.app.state.db, name, pem)
    except IetmError as exc:
        return _view(request, session, {"ok": False, "message": _said(exc, lang)}, exc.http_status)
    return _view(request, session, {"ok": True, "message": i18n.t("deliveries_cert_saved", lang, customer=name)})


class DeliveryCors:
    """CORS for what delivered bundles send with their key: any origin (a bundle lives wherever the customer
    serves it), no credentials, these paths only; preflights are answered here."""

    HEADERS = [(b"access-control-allow-origin", b"*"), (b"access-control-allow-methods", b"POST, OPTIONS"),
               (b"access-control-allow-headers", b"authorization, content-type, idempotency-key"),
               (b"access-control-max-age", b"600")]

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(BUNDLE_API) \
                or not any(k == b"origin" for k, _ in scope.get("headers", [])):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": self.HEADERS})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_cors(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.HEADERS[:1]]}
            await send(message)

        await self.app(scope, receive, with_cors)


def install(app) -> None:
    """The register's pages and API, and the way in for delivered bundles (DeliveryCors goes outside
    access control, so that a preflight is answered before it)."""
    access.BEARER_PATHS.extend(p for p in BUNDLE_API if p not in access.BEARER_PATHS)
    app.include_router(router)
