"""The editor's pages and API: /edit (a writer's dashboard), /edit/new, /edit/<code>, and /api/edit/...

Every address here needs the writer role; a module above the writer's clearance does not exist for them.
Changes come as JSON with the session's CSRF token (the access middleware checks it)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ietm.atomic import write_new
from ietm.author.create import DM_TYPES, new_dm
from ietm.edit import pickers
from ietm.edit.save import Conflict, Editing, SchemaRefused
from ietm.edit import strings  # noqa: F401  (declares the editor's words)
from ietm.errors import IetmError, InputError, NotFound
from ietm.parse.model import describe
from ietm.web import deps
from ietm.web.access import csrf_field, require
from ietm.web.i18n import message
from ietm.web.changes import checks, refresh
from ietm.web.deps import page as _page
from ietm.web.links import ServerLinks, dm_address

log = logging.getLogger("ietm.web")
router = APIRouter(tags=["editor"])


def install(app, site) -> None:  # type: ignore[no-untyped-def]
    """The editor's state (saves, versions, checks) and its routes, on the viewer app."""
    app.state.editing = Editing(site, app.state.db, app.state.audit)
    app.include_router(router)


def editing(request: Request) -> Editing:
    return request.app.state.editing


def _key(request: Request, code: str, session) -> str:  # type: ignore[no-untyped-def]
    """A data module code the writer may edit (known, and within their clearance)."""
    site = request.app.state.site
    key = site.key(code, "dm")
    copies = site.copies.get(key)
    if not copies or not all(session.user.cleared_for(o.security) for o in copies):
        raise NotFound(f"{key} is not in this CSDB")
    return key


def _refused(exc: IetmError, **extra: Any) -> JSONResponse:
    body = {"error": {"status": exc.http_status, "kind": type(exc).__name__, "message": exc.message, "where": None}}
    return JSONResponse({**body, **extra}, exc.http_status)


# -- pages -------------------------------------------------------------------------------------------------------

def _editor_page(request: Request, template: str, status: int = 200, **extra: Any) -> HTMLResponse:
    return _page(request, template, status, css=("css/ietm.css", "css/content.css", "css/editor.css"),
                 js=("js/app.js", "js/editor/boot.js"), **extra)


@router.get("/edit", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, session=Depends(require("edit"))) -> HTMLResponse:
    site = request.app.state.site
    ed = editing(request)
    mine = {(s.module, s.language): s for s in ed.store.last_saves(session.user.name)}
    everyone = {(s.module, s.language): s for s in ed.store.last_saves()}
    rows = []
    for key, copies in sorted(site.copies.items()):
        by_language: dict[str, Any] = {}
        for o in copies:
            if o.kind == "dm" and session.user.cleared_for(o.security):
                by_language[o.language or ""] = o  # oldest first: the latest issue of each language wins
        for lang, o in sorted(by_language.items()):
            if not o.in_work:
                continue
            save = everyone.get((key, lang))
            rows.append({"key": key, "language": lang, "title": o.title, "issue": o.issue, "type": o.content_type,
                         "mine": (key, lang) in mine, "save": save,
                         "edit": f"/edit/{key[4:]}?language={lang}", "view": dm_address(key) + f"?language={lang}"})
    rows.sort(key=lambda r: (not r["mine"], r["key"], r["language"]))
    return _editor_page(request, "edit_dashboard.html", title=message("ed_editor"), rows=rows, types=list(DM_TYPES),
                        csrf=session.csrf)


def _defaults(site) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What most modules of the CSDB share: their BREX, enterprise, model code and languages."""
    brex, enterprise, model, languages = Counter(), Counter(), Counter(), Counter()
    for o in site.data_modules():
        languages.update(c.language for c in site.copies[o.key] if c.language)
        try:
            root = site.load(o).root
        except IetmError:
            continue
        ref = root.find("identAndStatusSection/dmStatus/brexDmRef/dmRef/dmRefIdent")
        if ref is not None:
            from ietm.parse.model import dm_ref_key

            brex[dm_ref_key(ref) or ""] += 1
        rpc = root.find("identAndStatusSection/dmStatus/responsiblePartnerCompany")
        if rpc is not None and rpc.get("enterpriseCode"):
            enterprise[rpc.get("enterpriseCode")] += 1
        model[o.model or ""] += 1
    top = lambda c, d: (c.most_common(1)[0][0] or d) if c else d  # noqa: E731
    return {"brex": top(brex, "")[4:] if top(brex, "") else "", "enterprise": top(enterprise, "00000"),
            "model": top(model, ""), "languages": [lang for lang, _ in languages.most_common()] or ["ru-RU", "en-US"]}


@router.get("/edit/new", response_class=HTMLResponse, include_in_schema=False)
def new_form(request: Request, session=Depends(require("edit"))) -> HTMLResponse:
    return _editor_page(request, "edit_new.html", title=message("ed_new_module"), types=list(DM_TYPES),
                        defaults=_defaults(request.app.state.site), csrf=session.csrf, message=None, form={})


@router.post("/edit/new", include_in_schema=False)
def create(
    request: Request,
    code: str = Form(..., max_length=80),
    title: str = Form(..., max_length=300),
    dm_type: str = Form(..., alias="type", max_length=20),
    language: str = Form("ru-RU", max_length=10),
    enterprise: str = Form("00000", max_length=10),
    brex: str = Form("", max_length=80),
    csrf: str = Form(""),
    session=Depends(require("edit")),
) -> Response:
    csrf_field(request, csrf)
    site = request.app.state.site
    form = {"code": code, "title": title, "type": dm_type, "language": language, "enterprise": enterprise, "brex": brex}
    try:
        name, data = new_dm(code.strip(), title, dm_type, "4.2", language, enterprise.strip() or "00000",
                            brex.strip() or None)
        path = site.csdb / name
        write_new(path, data)
    except IetmError as exc:
        return _editor_page(request, "edit_new.html", exc.http_status if exc.http_status < 500 else 422,
                            title=message("ed_new_module"), types=list(DM_TYPES), defaults=_defaults(site),
                            csrf=session.csrf, message=exc.message, form=form)
    refresh(request.app, [path])
    obj = editing(request).created(path, data, session.user.name)
    return RedirectResponse(f"/edit/{obj.key[4:]}?language={obj.language}", status_code=303)


@router.get("/edit/{code}", response_class=HTMLResponse, include_in_schema=False)
def editor(request: Request, code: str, language: str | None = None, session=Depends(require("edit"))) -> HTMLResponse:
    key = _key(request, code, session)
    obj = request.app.state.site.find(key, None, language)
    return _editor_page(request, "edit.html", title=obj.title or key, key=key, obj=obj,
                        content_language=obj.language or "", csrf=session.csrf)


# -- the module ---------------------------------------------------------------------------------------------------

class DocIn(BaseModel):
    doc: dict[str, Any]
    language: str | None = Field(None, max_length=10)


class SaveIn(DocIn):
    base: str = Field(..., min_length=64, max_length=64, description="SHA-256 of the version the edit started from")


class MergeIn(SaveIn):
    choices: dict[int, str] = Field(default_factory=dict, description="conflict index -> mine | theirs | both")


@router.get("/api/edit/{code}", summary="A data module as the editor opens it (JSON tree, version, what a save does)")
def open_module(request: Request, code: str, language: str | None = None, session=Depends(require("edit"))) -> dict:
    key = _key(request, code, session)
    return editing(request).open(key, language, deps.language(request))


@router.get("/api/edit/{code}/grammar", summary="What the module's schema allows: content automata, attributes, labels")
def module_grammar(request: Request, code: str, language: str | None = None,
                   session=Depends(require("edit"))) -> Response:
    key = _key(request, code, session)
    ed = editing(request)
    cur = ed.current(key, language)
    grammar = ed.grammar(cur.doc)
    lang = deps.language(request)
    tag = '"' + hashlib.sha1(f"{grammar.path}:{grammar.path.stat().st_mtime_ns}:{lang}".encode()).hexdigest() + '"'
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"etag": tag})
    body = json.dumps(grammar.to_json(lang), ensure_ascii=False, separators=(",", ":"))
    return Response(body, media_type="application/json", headers={"etag": tag, "cache-control": "private, no-cache"})


@router.post("/api/edit/{code}/save", summary="Save: checked, never over an official issue or someone else's save")
async def save(request: Request, code: str, body: SaveIn, session=Depends(require("edit"))) -> Response:
    key = _key(request, code, session)
    ed = editing(request)
    try:
        saved = await asyncio.to_thread(ed.save, key, body.language, body.base, body.doc, session.user.name)
    except Conflict as exc:
        return _refused(exc, conflict=exc.details)
    except SchemaRefused as exc:
        return _refused(exc, findings=exc.findings)
    await asyncio.to_thread(refresh, request.app, [saved.path])
    log.info("editor: %s saved %s as %s", session.user.name, key, saved.path.name)
    return JSONResponse({"ok": True, "file": saved.path.name, "issue": saved.issue, "sha256": saved.sha256,
                         "upissued": saved.upissued, "findings": saved.findings,
                         "errors": sum(f["severity"] == "error" for f in saved.findings),
                         "warnings": sum(f["severity"] == "warning" for f in saved.findings)})


@router.post("/api/edit/{code}/check", summary="Check the module as edited (schema, BREX, references), nothing saved")
async def check(request: Request, code: str, body: DocIn, session=Depends(require("edit"))) -> dict:
    key = _key(request, code, session)
    findings = await asyncio.to_thread(editing(request).check, key, body.language, body.doc)
    return {"findings": findings}


@router.post("/api/edit/{code}/merge", summary="Merge the writer's edit with the version saved meanwhile")
async def merge(request: Request, code: str, body: MergeIn, session=Depends(require("edit"))) -> Response:
    key = _key(request, code, session)
    choices = {int(k): v for k, v in body.choices.items() if v in ("mine", "theirs", "both")}
    try:
        out = await asyncio.to_thread(editing(request).merge, key, body.language, body.base, body.doc, choices)
    except IetmError as exc:
        return _refused(exc)
    return JSONResponse(out)


@router.post("/api/edit/{code}/preview", summary="The module as edited, rendered as the viewer shows it")
async def preview(request: Request, code: str, body: DocIn, session=Depends(require("edit"))) -> dict:
    from ietm.render.content import render_content
    from ietm.render.context import RenderContext

    key = _key(request, code, session)
    site = request.app.state.site
    doc = await asyncio.to_thread(editing(request).draft, key, body.language, body.doc)
    obj = describe(doc)
    ctx = RenderContext(ServerLinks(site), deps.language(request), obj, doc, site.titles.get, lambda el: None,
                        repository=site.repository(obj.language))
    return {"html": str(render_content(ctx))}


# -- pickers ------------------------------------------------------------------------------------------------------

@router.get("/api/edit-pick/modules", summary="Modules or publications to refer to, by words of their code or title")
def pick_modules(request: Request, q: str = Query("", max_length=200), kind: str = Query("dm", pattern="^(dm|pm)$"),
                 language: str | None = Query(None, max_length=10), session=Depends(require("edit"))) -> list[dict]:
    site = request.app.state.site
    found = pickers.modules(site, q, kind, language)
    return [m for m in found if all(session.user.cleared_for(o.security) for o in site.copies[m["key"]])]


@router.get("/api/edit-pick/ref", summary="The reference element (dmRef or pmRef) to a module or publication")
def pick_ref(request: Request, key: str = Query(..., max_length=120), session=Depends(require("edit"))) -> dict:
    site = request.app.state.site
    key = key.upper()
    if key.startswith("PMC-"):
        return pickers.pm_ref(site, key)
    return pickers.dm_ref(site, _key(request, key, session))


@router.get("/api/edit-pick/icns", summary="The illustrations of the CSDB")
def pick_icns(request: Request, session=Depends(require("edit"))) -> list[dict]:
    return pickers.icns(request.app.state.site)


@router.post("/api/edit-pick/icns", summary="Upload a new illustration through the intake gate")
async def upload_icn(request: Request, file: UploadFile = File(...), session=Depends(require("edit"))) -> Response:
    from ietm.intake.archive import read_upload
    from ietm.intake.gate import admit

    data = await file.read()
    try:
        uploads = read_upload(file.filename or "", data)
    except InputError as exc:
        return _refused(exc)
    if len(uploads) != 1 or Path(uploads[0].name).suffix.lower() == ".xml":
        return _refused(InputError("give one illustration file (SVG, PNG, JPEG, GIF or CGM)"))
    site = request.app.state.site
    verdicts = await asyncio.to_thread(admit, uploads, site.csdb, checks(request.app))
    verdict = verdicts[0]
    if verdict.accepted:
        await asyncio.to_thread(refresh, request.app, [site.csdb / verdict.name])
    if not verdict.accepted:
        return JSONResponse({"error": {"status": 422, "kind": "InputError", "where": verdict.name,
                                       "message": "; ".join(f.message for f in verdict.findings) or "refused"}}, 422)
    log.info("editor: %s uploaded %s", session.user.name, verdict.name)
    stem = Path(verdict.name).stem
    return JSONResponse({"ident": stem, "file": verdict.name, "url": f"/icn/{verdict.name}"})


@router.get("/api/edit-pick/repository", summary="Entries of the common information repositories, with their references")
def pick_repository(request: Request, kind: str = Query(..., max_length=20), language: str | None = Query(None),
                    session=Depends(require("edit"))) -> list[dict]:
    app = request.app
    if getattr(app.state, "edit_repositories", None) is None:
        app.state.edit_repositories = pickers.Repositories(app.state.site)
    entries = app.state.edit_repositories.entries(kind, language)
    return [{**e, "ref": pickers.repository_ref(app.state.site, kind, e)} for e in entries]


@router.get("/api/edit-pick/applic", summary="Products and attributes the module's applicability can name")
def pick_applic(request: Request, code: str = Query(..., max_length=120), language: str | None = None,
                session=Depends(require("edit"))) -> dict:
    key = _key(request, code, session)
    cur = editing(request).current(key, language)
    return request.app.state.pages.applic_data(cur.doc.root)
