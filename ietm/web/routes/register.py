"""The signing register on the server (admin page `/admin/register`) and the release's УЛ (`/release/ul`).

The server keeps no register of its own: it reads and changes the CSDB's (ietm.sign.register), so the CLI and
the browser see one register. A change made here is signed with the key of the official making it (uploaded
for that one request, never stored) and written to the audit log, as `ietm register` does.
`/release/ul` shows the information-certifying sheet of the CSDB's release, `/release/ul.html` gives it as a
file, and `/api/release/ul` as JSON (ietm.sign.ul.information_sheet).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from ietm.errors import IetmError, InputError
from ietm.i18n import words
from ietm.sign import ul  # noqa: F401  (declares the sheet's words, which the pages use)
from ietm.web import deps, i18n
from ietm.web.access import csrf_field, require
from ietm.web.pages import Crumb

router = APIRouter()
words({  # the register page's words (key -> (English, Russian)); the sheet's are in ietm.sign.ul
    "register": ("Register of signing-key holders", "Реестр владельцев ключей электронной подписи"),
    "register_none": ("No signing register is kept for this CSDB (`[register] folder` in ietm.toml).",
                      "Для этой базы реестр владельцев ключей ЭП не ведётся (`[register] folder` в ietm.toml)."),
    "register_holders": ("Holders of signing keys", "Владельцы ключей ЭП"),
    "register_officials": ("Officials responsible for the security of the signing means",
                           "Лица, ответственные за обеспечение безопасности средств ЭП"),
    "register_changes": ("{n} changes, each signed and verified; last hash {hash}",
                         "Изменений: {n}, каждое подписано и проверено; последний хеш {hash}"),
    "register_number": ("No.", "№ п/п"),
    "register_name": ("Full name", "Ф. И. О."),
    "register_position": ("Position", "Должность"),
    "register_roles": ("ESKD roles", "Роли ЕСКД"),
    "register_certificate": ("Certificate (SHA-256)", "Сертификат (SHA-256)"),
    "register_period": ("Period", "Срок"),
    "register_appointed_by": ("Appointed by", "Кем назначен"),
    "register_state": ("State", "Состояние"),
    "register_appoint": ("Appoint", "Назначить"),
    "register_end": ("End appointment", "Прекратить назначение"),
    "register_reason": ("Reason", "Причина"),
    "register_basis": ("Basis (order)", "Основание (приказ)"),
    "register_from": ("From", "С"),
    "register_until": ("Until", "По"),
    "register_official": ("Official responsible for the signing means", "Ответственный за безопасность средств ЭП"),
    "register_holder_cert": ("Holder's certificate (PEM or DER)", "Сертификат владельца (PEM или DER)"),
    "register_your_key": ("Your key, as an official of the register", "Ваш ключ ответственного лица"),
    "state_current": ("current", "действует"),
    "state_ended": ("ended", "прекращено"),
    "state_expired": ("expired", "истекло"),
    "state_pending": ("not begun", "не началось"),
    "register_your_cert": ("Your certificate, if the key file does not hold it", "Ваш сертификат, если его нет в файле ключа"),
})
MAX_FILE = 64 * 1024
_sheet_guard = threading.Lock()


def _page(request: Request, status: int = 200, **extra) -> HTMLResponse:
    pages, links, lang = deps.pages(request), deps.links(request), deps.language(request)
    title = i18n.t("register", lang)
    ctx = pages.base(links, lang, "/admin/register", title=title, crumbs=[Crumb(i18n.t("home", lang), "/"), Crumb(title)],
                     **extra)
    return HTMLResponse(pages.render("register.html", ctx), status)


def _view(request: Request, session, outcome: dict | None = None, status: int = 200) -> HTMLResponse:
    from ietm.sign.register import ROLES, folder_of, kept

    site = deps.site(request)
    now = dt.datetime.now(dt.timezone.utc)
    reg, error = None, None
    try:
        reg = kept(site.csdb)
    except IetmError as exc:  # a broken register is shown as such, not as a server error
        error = str(exc)
    rows = [a.to_dict(now) for a in reg.appointments.values()] if reg else []
    return _page(request, status, kept=folder_of(site.csdb) is not None, error=error, outcome=outcome,
                 officials=[r for r in rows if r["kind"] == "official"], holders=[r for r in rows if r["kind"] == "holder"],
                 changes=len(reg.changes) if reg else 0, last_hash=reg.last_hash if reg else "", roles=ROLES,
                 csrf=session.csrf, states=_states(deps.language(request)))


def _states(language: str) -> dict[str, str]:
    return {"current": i18n.t("state_current", language), "ended": i18n.t("state_ended", language),
            "expired": i18n.t("state_expired", language), "pending": i18n.t("state_pending", language)}


@router.get("/admin/register", response_class=HTMLResponse, include_in_schema=False)
def register_page(request: Request, session=Depends(require("manage_register"))) -> HTMLResponse:
    return _view(request, session)


@router.get("/api/register", tags=["signing register"], summary="The CSDB's register of signing-key holders, verified")
def register_json(request: Request, session=Depends(require("manage_register"))) -> dict:
    from ietm.sign.register import required

    reg = required(deps.site(request).csdb)
    now = dt.datetime.now(dt.timezone.utc)
    return {"changes": len(reg.changes), "last_hash": reg.last_hash,
            "appointments": [a.to_dict(now) for a in reg.appointments.values()]}


async def _read(upload: UploadFile | None, what: str) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    data = await upload.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise InputError(f"the {what} is a few kilobytes; this one is too large", upload.filename)
    return data


async def _official(keyfile: UploadFile, certfile: UploadFile | None, passphrase: str):
    """The signing credentials of the official who keeps the register, from the uploaded key file."""
    from ietm.web.keyfiles import uploaded_credentials

    material = await _read(keyfile, "key file")
    if not material:
        raise InputError("give your key file")
    cert_material = await _read(certfile, "certificate")
    return uploaded_credentials(material, cert_material, passphrase.encode(), "the uploaded key file")


def _when(text: str) -> dt.datetime | None:
    from ietm.sign.register_commands import _when as parse

    return parse(text.strip(), "date") if text and text.strip() else None


def _change(request: Request, session, action) -> HTMLResponse:
    """Run a change of the register with the official's uploaded key; the outcome shows on the page."""
    from ietm.sign.register import required
    from ietm.sign.verify import load_store

    site = deps.site(request)
    try:
        store = load_store(site.csdb)
        reg = required(site.csdb, store)
        message = action(reg, store, request.app.state.audit)
        return _view(request, session, {"ok": True, "message": message})
    except IetmError as exc:
        return _view(request, session, {"ok": False, "message": str(exc)}, exc.http_status)


@router.post("/admin/register/appoint", response_class=HTMLResponse, include_in_schema=False)
async def appoint(
    request: Request,
    name: str = Form(..., min_length=1, max_length=300),
    position: str = Form(..., min_length=1, max_length=300),
    kind: str = Form("holder", pattern="^(holder|official)$"),
    roles: list[str] = Form([]),
    start: str = Form("", max_length=40),
    until: str = Form("", max_length=40),
    basis: str = Form("", max_length=500),
    holder_cert: UploadFile = File(...),
    keyfile: UploadFile = File(...),
    certfile: UploadFile | None = File(None),
    passphrase: str = Form(..., max_length=1024),
    csrf: str = Form(""),
    session=Depends(require("manage_register")),
) -> HTMLResponse:
    from ietm.sign.keys import load_certificates_data

    csrf_field(request, csrf)
    try:
        holder = await _read(holder_cert, "certificate")
        if not holder:
            raise InputError("give the holder's certificate")
        holder_certificate = load_certificates_data(holder, holder_cert.filename)[0]
        creds = await _official(keyfile, certfile, passphrase)
        begin, end = _when(start), _when(until)
    except IetmError as exc:
        return _view(request, session, {"ok": False, "message": str(exc)}, exc.http_status)
    finally:
        del passphrase

    def action(reg, store, log):
        a = reg.appoint(creds, kind, name.strip(), position.strip(), roles, holder_certificate, begin, end,
                        basis.strip() or None, store, log)
        return f"{a.number}: {a.name} ({', '.join(a.roles) or a.kind})"

    return await asyncio.to_thread(_change, request, session, action)


@router.post("/admin/register/end", response_class=HTMLResponse, include_in_schema=False)
async def end(
    request: Request,
    number: int = Form(..., ge=1),
    reason: str = Form(..., min_length=1, max_length=500),
    at: str = Form("", max_length=40),
    keyfile: UploadFile = File(...),
    certfile: UploadFile | None = File(None),
    passphrase: str = Form(..., max_length=1024),
    csrf: str = Form(""),
    session=Depends(require("manage_register")),
) -> HTMLResponse:
    csrf_field(request, csrf)
    try:
        creds = await _official(keyfile, certfile, passphrase)
        when = _when(at)
    except IetmError as exc:
        return _view(request, session, {"ok": False, "message": str(exc)}, exc.http_status)
    finally:
        del passphrase

    def action(reg, store, log):
        a = reg.end(creds, number, reason.strip(), when, store, log)
        return f"{a.number}: {a.name} — {a.end_reason}"

    return await asyncio.to_thread(_change, request, session, action)


# ----- the information-certifying sheet of the release

def _stamp(csdb: Path) -> tuple:
    """What the sheet depends on: every file of the CSDB and of its register (names, sizes, times) and the trust."""
    import os

    out = []
    for folder, dirs, files in os.walk(csdb):
        dirs[:] = sorted(d for d in dirs if d != ".ietm")
        for f in sorted(files):
            try:
                st = os.stat(os.path.join(folder, f))
            except OSError:
                continue
            out.append((folder, f, st.st_size, st.st_mtime_ns))
    return tuple(out)


def sheet(request: Request) -> dict | None:
    """The УЛ, computed again only when a file, a signature, the register or the trust changed."""
    from ietm.sign.manifest import MANIFEST_NAME
    from ietm.sign.ul import information_sheet

    site = deps.site(request)
    if not (site.csdb / MANIFEST_NAME).is_file():
        return None
    stamp = (_stamp(site.csdb), deps.pages(request).signatures.trust_stamp())
    with _sheet_guard:
        cached = getattr(request.app.state, "ul_sheet", None)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    data = information_sheet(site.csdb)
    with _sheet_guard:
        request.app.state.ul_sheet = (stamp, data)
    return data


@router.get("/api/release/ul", tags=["release"], summary="The information-certifying sheet (УЛ, GOST 2.051) of the release")
async def ul_json(request: Request) -> dict:
    return {"ul": await asyncio.to_thread(sheet, request)}


@router.get("/release/ul", response_class=HTMLResponse, include_in_schema=False)
async def ul_page(request: Request) -> HTMLResponse:
    from ietm.sign.ul import template_words

    pages, links, lang = deps.pages(request), deps.links(request), deps.language(request)
    data = await asyncio.to_thread(sheet, request)
    title = i18n.t("ul_title", lang)
    ctx = pages.base(links, lang, "/release/ul", title=title, ul=data, **template_words(lang),
                     crumbs=[Crumb(i18n.t("home", lang), "/"), Crumb(i18n.t("ul_release", lang), "/release"), Crumb(title)])
    ctx["css"] = [*ctx["css"], "css/ul.css"]
    return HTMLResponse(pages.render("ul.html", ctx))


@router.get("/release/ul.html", include_in_schema=False)
async def ul_file(request: Request) -> Response:
    from ietm.errors import NotFound
    from ietm.sign.ul import render_html

    data = await asyncio.to_thread(sheet, request)
    if data is None:
        raise NotFound("no release here (release.manifest); `ietm release` makes one")
    name = f"{data['release']['name']}-UL.html"
    return Response(render_html(data, deps.language(request)), media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
