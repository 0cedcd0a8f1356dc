"""Illustrations: `/icn/<file>` in a form browsers display (CGM converted to SVG, cached).

The name is only ever looked up in the catalog's list of ICN files, never joined onto a folder, so no
address can reach a file outside the CSDB.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response

from ietm.errors import NotFound
from ietm.render.placeholder import placeholder_svg
from ietm.web import deps
from ietm.web.i18n import message, t, words
from ietm.web.site import BROWSER_TYPES

router = APIRouter(include_in_schema=False)
CACHE = {"Cache-Control": "public, max-age=3600"}


words({
    "icn_placeholder_missing": ("Illustration missing", "Иллюстрация отсутствует"),
    "icn_placeholder_unsupported": ("This format cannot be shown", "Этот формат нельзя показать"),
})


def _say(kind: str, lang: str) -> str:
    return t(f"icn_placeholder_{kind}", lang)


@router.get("/icn/{name}")
def icn(
    name: str,
    request: Request,
    download: bool = Query(False, description="The file as stored, without conversion."),
    site=Depends(deps.site),
    lang: str = Depends(deps.language),
) -> Response:
    path = site.icn_path(name)
    wants_image = request.headers.get("accept", "").startswith("image/")
    if path is None:
        if wants_image:  # an <img> shows this instead of a broken-image icon
            svg = placeholder_svg([_say("missing", lang), name])
            return Response(svg, status_code=404, media_type="image/svg+xml")
        raise NotFound(message("no_illustration", name=name))
    suffix = path.suffix.lower()
    if download:
        return FileResponse(path, filename=path.name, headers=CACHE)
    if suffix == ".cgm":
        return FileResponse(site.converted_svg(path), media_type="image/svg+xml", headers=CACHE)
    if suffix in BROWSER_TYPES:
        return FileResponse(path, media_type=BROWSER_TYPES[suffix], headers=CACHE)
    svg = placeholder_svg([_say("unsupported", lang), f"{path.name} ({suffix.lstrip('.').upper()})"])
    return Response(svg, media_type="image/svg+xml", headers=CACHE)


