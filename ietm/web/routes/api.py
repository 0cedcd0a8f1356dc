"""The JSON API (documented at /docs, schema at /openapi.json): objects, data modules, publications, products."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from ietm.errors import NotFound
from ietm.web import deps
from ietm.web.i18n import message
from ietm.web.links import dm_address, pm_address
from ietm.web.pages import visible_toc
from ietm.web.site import TocEntry


class ErrorBody(BaseModel):
    status: int
    kind: str
    message: str
    where: str | None = None


class ErrorOut(BaseModel):
    """The one error shape of the API (and of every address asked for JSON)."""

    error: ErrorBody


class ObjectOut(BaseModel):
    key: str
    kind: str
    issue: str | None
    language: str | None
    title: str
    content_type: str | None
    url: str | None


class TocOut(BaseModel):
    title: str
    kind: str  # entry | dm | pm | external
    key: str | None = None
    url: str | None = None
    children: list[TocOut] = []


class PublicationOut(ObjectOut):
    toc: list[TocOut]


class ProductsOut(BaseModel):
    products: list[dict[str, Any]]
    properties: list[dict[str, Any]]


ERRORS = {404: {"model": ErrorOut, "description": "Unknown code"}, 422: {"model": ErrorOut, "description": "Bad parameter"}}
router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)


def _out(obj) -> ObjectOut:
    url = dm_address(obj.key) if obj.kind == "dm" else pm_address(obj.key) if obj.kind == "pm" else None
    return ObjectOut(key=obj.key, kind=obj.kind, issue=obj.issue, language=obj.language, title=obj.title,
                     content_type=obj.content_type, url=url)


@router.get("/objects", response_model=list[ObjectOut], summary="Latest issue of every data and publication module")
def objects(
    kind: str | None = Query(None, description="dm or pm"),
    content_type: str | None = Query(None, description="procedural, descriptive, fault, ipd, ..."),
    site=Depends(deps.site),
    hidden=Depends(deps.hidden),
) -> list[ObjectOut]:
    return [
        _out(o) for k, o in sorted(site.latest.items())
        if o.kind in ("dm", "pm") and k not in hidden and (kind is None or o.kind == kind)
        and (content_type is None or o.content_type == content_type)
    ]


@router.get("/dm/{code}", response_model=ObjectOut, summary="One data module's identity and status")
def data_module(
    code: str,
    issue: str | None = Query(None, description="NNN-NN; the latest when left out"),
    language: str | None = Query(None, description="e.g. en-US"),
    site=Depends(deps.site),
) -> ObjectOut:
    return _out(site.find(site.key(code, "dm"), issue, language))


def _toc(entry: TocEntry) -> list[TocOut]:
    out = []
    for c in entry.children:
        if isinstance(c, TocEntry):
            out.append(TocOut(title=c.title, kind="entry", children=_toc(c)))
        else:
            url = dm_address(c.key) if c.kind == "dm" else pm_address(c.key) if c.kind == "pm" else None
            out.append(TocOut(title=c.title or c.key, kind=c.kind, key=c.key, url=url))
    return out


@router.get("/pm/{code}", response_model=PublicationOut, summary="A publication module and its table of contents")
def publication(
    code: str,
    language: str | None = Query(None, description="e.g. ru-RU; English first when left out"),
    site=Depends(deps.site),
    hidden=Depends(deps.hidden),
) -> PublicationOut:
    key = site.key(code, "pm")
    if key not in site.publications:
        raise NotFound(message("not_publication", key=key))
    pub = site.publication(key, language)
    return PublicationOut(**_out(pub.obj).model_dump(), toc=_toc(visible_toc(pub.toc, hidden)))


@router.get("/products", response_model=ProductsOut, summary="Products (PCT) and attributes to filter by")
def products(pages=Depends(deps.pages)) -> ProductsOut:
    return ProductsOut(**pages.applic_data(None))
