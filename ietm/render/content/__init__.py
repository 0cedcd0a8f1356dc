"""Content renderers: one module per S1000D content type over a shared core (base, common).

`render_content(ctx)` turns the module's content into an HTML fragment and `render_ident(ctx)` its
identification and status; both are pure functions of the RenderContext.
"""

from __future__ import annotations

from markupsafe import Markup

from ietm.render.content import (  # noqa: F401  (each module registers its element renderers)
    cir,
    comments,
    common,
    comrep,
    crew,
    crossref,
    descriptive,
    fault,
    frontmatter,
    ipd,
    procedural,
    process,
    records,
    schedule,
    wiring,
)
from ietm.render.content.base import Html
from ietm.render.content.ident import render_ident
from ietm.render.context import RenderContext

__all__ = ["Html", "render_content", "render_ident", "content_root"]

#: the element holding what a reader sees, per object kind
CONTENT_ELEMENTS = {"dm": "content", "comment": "commentContent"}


def content_root(ctx: RenderContext):
    path = CONTENT_ELEMENTS.get(ctx.obj.kind)
    return ctx.doc.root.find(path) if path else None


def render_content(ctx: RenderContext) -> Markup:
    return Html(ctx).content(content_root(ctx))
