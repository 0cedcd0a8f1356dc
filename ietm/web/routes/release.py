"""`/release`: the CSDB's signed release manifest (`ietm release` writes it) and how each object compares.

The page shows the release's name, date, signer and whether its signature holds, then every object and
ICN with its issue, SHA-256 and state now: matches, changed (bytes differ from what QA released) or missing.
`/api/release` gives the same as JSON. Objects above the reader's clearance are left out, as in every listing.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ietm.web import deps, i18n
from ietm.web.access import ANONYMOUS, cleared, current_user
from ietm.web.pages import Crumb
from ietm.web.signatures import word

router = APIRouter()


def release_data(request: Request) -> dict | None:
    """The release as the page and the API show it (None when the CSDB has no release manifest)."""
    site = deps.site(request)
    sigs = deps.pages(request).signatures
    release = sigs.release()
    if release is None:
        return None
    user = current_user(request) or ANONYMOUS
    entries = []
    for rel, e in sorted(release.entries.items(), key=lambda kv: (kv[1].kind == "icn", kv[0])):
        if e.kind != "icn" and not cleared(site, e.code, e.issue, user):
            continue
        entries.append({"kind": e.kind, "code": e.code, "path": rel, "issue": e.issue, "language": e.language,
                        "qa": e.qa, "sha256": e.sha256, "size": e.size, "state": sigs.state(release, rel)})
    counts = {s: sum(1 for e in entries if e["state"] == s) for s in ("matches", "changed", "missing")}
    return {"name": release.name, "created": release.created, "status": release.status, "reason": release.reason,
            "valid": release.status == "valid", "signer": release.signer, "signed_at": release.signed_at,
            "counts": counts, "objects": entries}


@router.get("/api/release", tags=["release"], summary="The signed release of the CSDB and each object's state")
def release_json(request: Request) -> dict:
    return {"release": release_data(request)}


@router.get("/release", response_class=HTMLResponse, include_in_schema=False)
def release_page(request: Request, pages=Depends(deps.pages), links=Depends(deps.links),
                 lang: str = Depends(deps.language)) -> str:
    data = release_data(request)
    title = word("release", lang) + (f" {data['name']}" if data and data["name"] else "")
    summary = None
    if data:
        summary = word("summary", lang, created=data["created"], n=len(data["objects"]), **data["counts"])
        for e in data["objects"]:
            known = e["kind"] == "dm" and e["code"] in pages.site.latest
            e["url"] = links.dm(e["code"], None, e["language"]) if known else None
            e["state_text"] = word(e["state"], lang)
    ctx = pages.base(links, lang, "/release", title=title, release=data, summary=summary, no_release=word("no_release", lang),
                     state_title=word("state", lang), crumbs=[Crumb(i18n.t("home", lang), "/"), Crumb(title)])
    ctx["css"] = [*ctx["css"], "css/signature.css"]
    return pages.render("release.html", ctx)
