"""The home page: the manuals (publication modules) of the CSDB."""

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from ietm.web import deps

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(pages=Depends(deps.pages), links=Depends(deps.links), lang: str = Depends(deps.language),
         hidden=Depends(deps.hidden)) -> str:
    return pages.home(links, lang, hidden)
