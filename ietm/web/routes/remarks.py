"""Remarks from the field: technicians send them (also queued offline by the page), writers read the queue."""

from __future__ import annotations

import asyncio
import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from lxml import etree
from pydantic import BaseModel, Field

from ietm.errors import NotFound
from ietm.feedback.comment import PRIORITIES, Remark, write
from ietm.parse.loader import load
from ietm.web.access import require
from ietm.web import deps
from ietm.web.deps import page
from ietm.web.i18n import message
from ietm.web.links import dm_address
from ietm.web.changes import refresh

router = APIRouter(tags=["feedback"])
_RAISED_BY = re.compile(r"^Raised by (.+) from the ietm viewer\.$")  # what ietm.feedback.comment writes


def _author(remarks: str) -> str:
    """Who raised a remark: the name in the sentence ietm writes into the comment, else its remarks as they are."""
    m = _RAISED_BY.match(remarks)
    return m.group(1) if m else remarks


class RemarkIn(BaseModel):
    module: str = Field(..., max_length=80, description="Data module code the remark is about")
    text: str = Field(..., min_length=1, max_length=4000)
    priority: str = Field("routine", pattern="^(routine|emergency|safety)$")
    language: str = Field("en-US", pattern="^[a-z]{2,3}-[A-Z]{2}$")
    title: str = Field("", max_length=200)


class RemarkOut(BaseModel):
    key: str
    file: str


@router.post("/api/remarks", response_model=RemarkOut, status_code=201,
             summary="Send a remark on a data module (an S1000D comment of type query)")
async def send_remark(remark: RemarkIn, request: Request, session=Depends(require("remark")),
                      hidden=Depends(deps.hidden)) -> RemarkOut:
    site = request.app.state.site
    key = site.key(remark.module, "dm")
    if key not in site.latest or key in hidden:  # a module above the reader's clearance is as unknown as a missing one
        raise NotFound(message("not_in_csdb", key=key))
    brex = next((r.target for r in site.latest[key].refs if r.kind == "brex"), None)
    security = max((c.security or "01") for c in site.copies[key])
    path = await asyncio.to_thread(
        write,
        Remark(key, remark.text, session.user.name, remark.priority, remark.language, remark.title, security),
        site.csdb,
        None,
        brex.removeprefix("DMC-") if brex else None,
    )
    await asyncio.to_thread(refresh, request.app)
    return RemarkOut(key=path.name.split("_")[0], file=path.name)


@router.get("/remarks", response_class=HTMLResponse, include_in_schema=False)
def remark_queue(request: Request, session=Depends(require("review_remarks")),
                 hidden=Depends(deps.hidden)) -> HTMLResponse:
    site = request.app.state.site
    rows = []
    codes = {v: k for k, v in PRIORITIES.items()}
    for obj in site.catalog.objects(kind="comment"):
        module = next((r.target for r in obj.refs if r.kind == "dm"), None)
        if module in hidden or not session.user.cleared_for(obj.security):
            continue  # a remark on a module above the reader's clearance is not theirs to read
        root = load(obj.path).root
        prio = root.find(".//commentPriority")
        rows.append({
            "key": obj.key, "date": obj.issue_date, "title": obj.title,
            "priority": codes.get(prio.get("commentPriorityCode") if prio is not None else "", "routine"),
            "module": module, "url": dm_address(module) if module else None,
            "text": [" ".join("".join(p.itertext()).split()) for p in root.iterfind("commentContent/simplePara")],
            "by": _author(" ".join("".join(root.findtext(".//remarks/simplePara") or "").split())),
        })
    rows.sort(key=lambda r: (r["priority"] != "safety", r["priority"] != "emergency", r["date"] or ""), reverse=False)
    return page(request, "remarks.html", title=message("remarks"), rows=rows)
