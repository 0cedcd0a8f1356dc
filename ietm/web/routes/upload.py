"""Web upload for writers: files or a zip pass the intake gate; accepted ones are catalogued and indexed at once."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from ietm.errors import InputError
from ietm.intake.archive import read_upload
from ietm.intake.gate import Verdict, admit
from ietm.report import Finding
from ietm.web.access import csrf_field, require
from ietm.web.deps import page
from ietm.web.i18n import message
from ietm.web.changes import checks, refresh

log = logging.getLogger("ietm.web")
router = APIRouter(tags=["authoring"])


@router.get("/upload", response_class=HTMLResponse, include_in_schema=False)
def upload_form(request: Request, session=Depends(require("upload"))) -> HTMLResponse:
    return page(request, "upload.html", title=message("upload"), csrf=session.csrf, verdicts=None)


@router.post("/upload", response_class=HTMLResponse, include_in_schema=False)
async def upload(
    request: Request,
    files: list[UploadFile] = File(...),
    csrf: str = Form(""),
    session=Depends(require("upload")),
) -> HTMLResponse:
    csrf_field(request, csrf)
    verdicts: list[Verdict] = []
    uploads = []
    for f in files:
        data = await f.read()
        try:
            uploads += read_upload(f.filename or "", data)
        except InputError as exc:
            verdicts.append(Verdict(f.filename or "?", False, [Finding("error", exc.path or f.filename or "?",
                                                                       exc.message, rule="refused", check="intake")]))
    if uploads:
        verdicts += await asyncio.to_thread(_admit, request.app, uploads)
    status = 200 if verdicts and all(v.accepted for v in verdicts) else 422
    log.info("upload by %s: %d accepted, %d rejected", session.user.name,
             sum(v.accepted for v in verdicts), sum(not v.accepted for v in verdicts))
    return page(request, "upload.html", status, title=message("upload"), csrf=session.csrf, verdicts=verdicts)


def _admit(app, uploads) -> list[Verdict]:
    site = app.state.site
    verdicts = admit(uploads, site.csdb, checks(app))
    accepted = [site.csdb / v.name for v in verdicts if v.accepted]
    if accepted:
        refresh(app, accepted)  # catalog, viewer and search index know the new objects at once
    return verdicts
