"""Data modules: `/dm/<data module code>` (latest issue, chosen language), `?issue=NNN-NN`, `?language=xx-YY`."""

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from ietm.web import deps

router = APIRouter(include_in_schema=False)


@router.get("/dm", response_class=HTMLResponse)
def modules(pages=Depends(deps.pages), links=Depends(deps.links), lang: str = Depends(deps.language),
            hidden=Depends(deps.hidden)) -> str:
    return pages.modules(links, lang, hidden)


@router.get("/dm/{code}", response_class=HTMLResponse)
def data_module(
    request: Request,
    code: str,
    issue: str | None = Query(None, description="Issue as NNN-NN; the latest when left out."),
    language: str | None = Query(None, description="Content language such as ru-RU; follows the interface language."),
    site=Depends(deps.site),
    pages=Depends(deps.pages),
    links=Depends(deps.links),
    lang: str = Depends(deps.language),
    hidden=Depends(deps.hidden),
) -> str:
    key = site.key(code, "dm")
    user = deps.reader(request)
    obj = site.find(key, issue or None, language or lang)
    edit_url = f"/edit/{key[4:]}?language={obj.language or ''}" if user.may("edit") else None
    return pages.data_module(key, issue or None, language or lang, links.publication, links, lang, edit_url, hidden)
