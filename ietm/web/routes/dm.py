"""Data modules: `/dm/<data module code>` (latest issue, chosen language), `?issue=NNN-NN`, `?language=xx-YY`."""

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ietm.web import deps

router = APIRouter(include_in_schema=False)


@router.get("/dm", response_class=HTMLResponse)
def modules(pages=Depends(deps.pages), links=Depends(deps.links), lang: str = Depends(deps.language),
            hidden=Depends(deps.hidden)) -> str:
    return pages.modules(links, lang, hidden)


@router.get("/dm/{code}", response_class=HTMLResponse)
async def data_module(
    request: Request,
    code: str,
    issue: str | None = Query(None, description="Issue as NNN-NN; the latest when left out."),
    language: str | None = Query(None, description="Content language such as ru-RU; follows the interface language."),
) -> HTMLResponse:
    # the most asked-for page: a repeat visit is answered here, on the event loop, from the kept page; only a
    # page to be made goes to a thread (so the request helpers are called directly, not through Depends)
    site, pages, lang = deps.site(request), deps.pages(request), deps.language(request)
    links, hidden, user = deps.links(request), deps.hidden(request), deps.reader(request)
    key = site.key(code, "dm")
    obj = site.find(key, issue or None, language or lang)
    edit_url = f"/edit/{key[4:]}?language={obj.language or ''}" if user.may("edit") else None
    args = (key, issue or None, language or lang, links.publication, links, lang, edit_url, hidden)
    html = pages.data_module(*args, kept_only=True)
    if html is None:
        html = await run_in_threadpool(pages.data_module, *args)
    return HTMLResponse(html)
