"""QA in the browser: modules awaiting verification, the change since the previous issue, and approval
with the reviewer's own key (a PKCS#12 file, or a PEM key with its certificate, and its passphrase, used for
that one request, never stored). Where a signing register is kept, an approval is the next step of the
module's ESKD route, signed by a holder appointed for that role (ietm.sign.route), as `ietm sign` does."""

from __future__ import annotations

import asyncio
import difflib
import logging
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from lxml import etree

from ietm.errors import IetmError, InputError
from ietm.parse.loader import load, load_bytes
from ietm.web.access import csrf_field, require
from ietm.web import deps
from ietm.web.keyfiles import uploaded_credentials
from ietm.web.deps import page
from ietm.web.i18n import CodeName, message
from ietm.web.links import dm_address, pm_address
from ietm.web.changes import checks, refresh

log = logging.getLogger("ietm.web")
router = APIRouter(tags=["quality assurance"])

#: elements whose text is one line of the readable diff
BLOCKS = {"title", "para", "simplePara", "warningAndCautionPara", "notePara", "entry", "isolationStepQuestion",
          "isolationStepAnswer", "listItemTerm", "listItemDefinition", "techName", "infoName", "partNumber",
          "personCategory", "name", "shortName", "reqQuantity", "caption", "acronymTerm", "acronymDefinition"}


def text_lines(path: str) -> list[str]:
    """The readable text of a module, one line per block, so a diff shows what a reader sees change."""
    root = load(path).root
    content = root.find("content")
    lines = []
    for el in (content if content is not None else root).iter():
        if isinstance(el.tag, str) and el.tag in BLOCKS:
            own = " ".join("".join(t for t in el.itertext()).split())
            if own and not any(isinstance(c.tag, str) and c.tag in BLOCKS for c in el):
                lines.append(own)
    return lines


def readable_diff(old: str | None, new: str) -> list[tuple[str, str]]:
    """(+|-| , line) rows with a little context; empty when the text is unchanged."""
    if old is None:
        return []
    rows = []
    for line in difflib.unified_diff(text_lines(old), text_lines(new), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            rows.append(("@", "…"))
        else:
            rows.append((line[0], line[1:]))
    return rows


def awaiting(site, hidden: frozenset[str]) -> list:
    """Latest official issues the reviewer may know of that await a signature: unverified ones, or, where a
    signing register is kept, those whose approval route is not complete."""
    from ietm.sign.route import pending

    routed = pending(site.csdb)
    return [o for k, o in site.latest.items()
            if o.kind in ("dm", "pm") and not o.in_work and k not in hidden
            and (routed(Path(o.path), o.kind) if routed else o.qa in (None, "unverified"))]




@router.get("/qa", response_class=HTMLResponse, include_in_schema=False)
def queue(request: Request, session=Depends(require("approve")), hidden=Depends(deps.hidden)) -> HTMLResponse:
    site = request.app.state.site
    rows = [{"key": o.key, "title": o.title, "issue": o.issue, "language": o.language, "type": o.content_type,
             "review": f"/qa/review/{o.key}?language={o.language or ''}"} for o in awaiting(site, hidden)]
    rows.sort(key=lambda r: (r["key"], r["language"] or ""))
    return page(request, "qa.html", title=message("qa_queue"), rows=rows)


@router.get("/qa/review/{key}", response_class=HTMLResponse, include_in_schema=False)
def review(request: Request, key: str, language: str | None = None, session=Depends(require("approve"))) -> HTMLResponse:
    """`?language=` is the module copy's language (`?lang=` stays the interface's, as on every page)."""
    site = request.app.state.site
    obj = site.find(deps.known(request, site.key(key, "pm" if key.upper().startswith("PMC-") else "dm")), None, language)
    older = [o for o in site.copies.get(obj.key, []) if o.language == obj.language and o.issue != obj.issue
             and (o.issue or "") < (obj.issue or "")]
    previous = older[-1] if older else None
    address = (pm_address if obj.kind == "pm" else dm_address)(obj.key)
    return page(request, "qa_review.html", title=message("qa_review_title", title=obj.title), obj=obj, previous=previous,
                 diff=readable_diff(previous.path if previous else None, obj.path), route=_route(site, obj),
                 view=f"{address}?issue={obj.issue}&language={obj.language or ''}", csrf=session.csrf, outcome=None)


def _route(site, obj) -> dict | None:
    """Where the module stands on its approval route (None where no signing register is kept)."""
    from ietm.sign import route
    from ietm.sign.verify import load_store

    try:
        store = load_store(site.csdb)
        routed = route.load(site.csdb, store)
        if routed is None:
            return None
        path = Path(obj.path)
        state = route.read_route(routed[0], path, path.read_bytes(), obj.kind, routed[1], store)
    except IetmError as exc:
        return {"error": exc.message}
    return {"done": len(state.steps), "of": len(state.roles), "next": state.next_role, "status": state.status,
            "summary": state.summary() if state.status == "valid" else state.reason}


@router.post("/qa/approve", response_class=HTMLResponse, include_in_schema=False)
async def approve(
    request: Request,
    key: str = Form(..., max_length=100),
    issue: str = Form(..., pattern=r"^\d{3}-\d{2}$"),
    language: str = Form("", max_length=10),
    verification: str = Form("first", pattern="^(first|second)$"),
    vtype: str = Form("tabtop", pattern="^(tabtop|onobject|ttandoo)$"),
    passphrase: str = Form(..., max_length=1024),
    keyfile: UploadFile = File(...),
    certfile: UploadFile | None = File(None),
    csrf: str = Form(""),
    session=Depends(require("approve")),
) -> HTMLResponse:
    csrf_field(request, csrf)
    site = request.app.state.site
    obj = site.find(deps.known(request, site.key(key, "pm" if key.upper().startswith("PMC-") else "dm")), issue, language or None)
    material = await keyfile.read(64 * 1024 + 1)
    cert_material = await certfile.read(64 * 1024 + 1) if certfile is not None and certfile.filename else None
    status, outcome = 200, None
    try:
        if len(material) > 64 * 1024 or len(cert_material or b"") > 64 * 1024:
            raise InputError(message("key_too_large"), keyfile.filename)
        signed = await asyncio.to_thread(_sign, request.app, Path(obj.path), material, cert_material,
                                         passphrase.encode(), verification, vtype, session.user.name)
        if hasattr(signed, "role"):  # a step of the approval route
            outcome = {"ok": True, "message": message(
                "qa_signed_step", key=signed.obj.key, issue=signed.obj.issue, role=signed.role, n=signed.n,
                qa=CodeName("qa", signed.obj.qa or "unverified"))}
        else:
            outcome = {"ok": True, "message": message(
                "qa_signed", key=signed.obj.key, issue=signed.obj.issue, qa=CodeName("qa", signed.obj.qa),
                qa_type=CodeName("qa_type", signed.obj.qa_type), signature=signed.signature.name)}
    except IetmError as exc:
        status = exc.http_status
        outcome = {"ok": False, "message": exc.message}
    finally:
        del material, cert_material, passphrase  # the key and its passphrase live no longer than this request
    obj = site.find(obj.key, issue, obj.language)
    return page(request, "qa_review.html", status, title=message("qa_review_title", title=obj.title), obj=obj,
                 previous=None, diff=[], route=_route(site, obj), view=f"{dm_address(obj.key)}?issue={obj.issue}",
                 csrf=session.csrf, outcome=outcome)


def _sign(app, path: Path, material: bytes, cert_material: bytes | None, passphrase: bytes, verification: str,
          vtype: str, reviewer: str):
    """Sign as `ietm sign` does: same checks, same refusals, same audit log."""
    from ietm.sign import audit, route
    from ietm.sign.detached import examine, sign_examined
    from ietm.sign.verify import load_store

    site = app.state.site
    log_path = app.state.audit
    creds = uploaded_credentials(material, cert_material, passphrase, "the uploaded key file")
    store = load_store(site.csdb)
    check = checks(app)

    def problems(data: bytes, display: str) -> list[str]:
        tmp = path.with_name(f".upload-qa-{path.name}")
        tmp.write_bytes(data)
        try:
            return [f"{f.rule}: line {f.line}: {f.message}" for f in check(tmp) if f.severity == "error"]
        finally:
            tmp.unlink(missing_ok=True)

    routed = route.load(site.csdb, store)
    if routed is not None:  # the route sets the QA status; the form's verification level does not apply
        step = route.sign_objects([path], creds, store, *routed, None, vtype, problems, log_path)[0]
        refresh(app, [path])
        log.info("route step %s (%s) by %s: %s", step.n, step.role, reviewer, path.name)
        return step
    try:
        signed = sign_examined(examine(path, verification, vtype, problems), creds, store)
        signed.write()
    except IetmError as exc:
        audit.append(log_path, "sign-refused", path=str(path), signer=creds.cert.subject.rfc4514_string(),
                     reviewer=reviewer, reason=exc.message)
        raise
    audit.append(log_path, "sign", path=str(signed.path), signature=str(signed.signature), object=signed.obj.key,
                 issue=signed.obj.issue, language=signed.obj.language, qa=signed.obj.qa, qa_type=signed.obj.qa_type,
                 sha256=signed.sha256, signer=creds.cert.subject.rfc4514_string(), reviewer=reviewer,
                 algorithm=creds.algorithm.name)
    refresh(app, [signed.path])
    log.info("QA approval by %s: %s %s", reviewer, signed.obj.key, signed.obj.issue)
    return signed
