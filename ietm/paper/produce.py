"""`ietm pdf` as a pipeline: publication -> book (modules found, instanced, rendered) -> HTML -> PDF."""

from __future__ import annotations

import sys
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ietm.errors import InputError
from ietm.paper import book as books
from ietm.paper import eskd
from ietm.paper.compose import compose, pm_facts
from ietm.paper.engine import render_pdf
from ietm.paper.links import allowed_roots
from ietm.paper.signatories import certifying_sheet, from_signatures
from ietm.web.site import Site


@dataclass
class PdfResult:
    out: str
    pm: str
    language: str
    style: str
    product: str | None
    pages: int
    modules: int
    failed: list[dict] = field(default_factory=list)  # {"where", "message"} of modules shown as placeholders
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def _progress(enabled: bool):
    if not enabled:
        return None
    from ietm.progress import track

    def progress(items, description):
        items = list(items)
        return track(items, total=len(items), description=description)

    return progress


def _status(enabled: bool, message: str):
    if not enabled or not sys.stderr.isatty():
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def make_pdf(site: Site, pm_key: str, out: Path, language: str = "en", style: str = "s1000d",
             product: str | None = None, strict: bool = False, progress: bool = False) -> PdfResult:
    started = time.perf_counter()
    pub = site.publication(pm_key, language)
    chosen, applicability = None, None
    if product:
        applicability = site.applicability
        chosen = applicability.product(product)
    book = books.plan(site, pub, language, chosen)
    show = _progress(progress)
    books.load_parts(book, applicability, show)
    books.render_parts(book, show)
    failed = [{"where": p.where, "message": p.error} for p in book.failed]
    if strict and failed:
        raise InputError(f"{len(failed)} module(s) of {pm_key} cannot be printed (first: {failed[0]['message']}); "
                         "no PDF written (--strict)", str(out))
    block, ul = None, None
    if style == "eskd":
        facts = pm_facts(book)
        people = from_signatures(site.csdb, Path(pub.obj.path))
        block = eskd.TitleBlock(facts["designation"], facts["title"], facts["organisation"], language,
                                signatories=people)
        files = [Path(pub.obj.path)] + [Path(p.obj.path) for p in book.parts if p.obj is not None]
        ul = certifying_sheet(site.csdb, files, block.designation, block.title, language, people)
    html = compose(book, style, block, ul)
    with _status(progress, f"Laying out {len(book.parts)} module(s) on pages"):
        pages = render_pdf(html, allowed_roots(site), out)
    return PdfResult(str(out), pub.obj.key, language, style, chosen.id if chosen else None, pages, len(book.parts),
                     failed, round(time.perf_counter() - started, 2))


def file_name(site: Site, pm_key: str, language: str) -> str:
    """PMC-<code>_<issue>_<language>.pdf, after S1000D file naming."""
    obj = site.publication(pm_key, language).obj
    return f"{pm_key}_{obj.issue or '000-00'}_{obj.language or language}.pdf"
