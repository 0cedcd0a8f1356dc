"""Publication modules as tables of contents: `/pm/<pm code>`."""

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from ietm.errors import NotFound
from ietm.web import deps
from ietm.web.i18n import message
from ietm.web.links import ServerLinks

router = APIRouter(include_in_schema=False)


@router.get("/pm/{code}", response_class=HTMLResponse)
def publication(
    code: str,
    language: str | None = Query(None, description="Content language such as ru-RU; follows the interface language."),
    site=Depends(deps.site),
    pages=Depends(deps.pages),
    lang: str = Depends(deps.language),
    hidden=Depends(deps.hidden),
) -> str:
    key = site.key(code, "pm")
    if key not in site.publications:
        raise NotFound(message("not_publication", key=key))
    return pages.publication(site.publication(key, language or lang), ServerLinks(site, key, hidden), lang, hidden)
