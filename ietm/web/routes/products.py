"""Applicability: the products of the PCT, to pick one for every page."""

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from ietm.web import deps

router = APIRouter(include_in_schema=False)


@router.get("/products", response_class=HTMLResponse)
def products(pages=Depends(deps.pages), links=Depends(deps.links), lang: str = Depends(deps.language)) -> str:
    return pages.products(links, lang)
