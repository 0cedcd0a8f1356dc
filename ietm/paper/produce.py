"""`ietm pdf` as a pipeline: publication -> book (modules found, instanced, rendered) -> HTML documents ->
pages laid out on every core -> one PDF."""

from __future__ import annotations

import os
import sys
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ietm.config import load_config
from ietm.errors import InputError
from ietm.paper import book as books
from ietm.paper import eskd, signatories
from ietm.paper.compose import compose, pm_facts
from ietm.paper.labels import word
from ietm.paper.links import allowed_roots
from ietm.paper.parallel import lay_out_book
from ietm.web.site import Site

#: modules a process must have to be worth starting (it costs about half a second of CPU time)
MODULES_PER_PROCESS = 8


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


def processes(csdb: Path, modules: int) -> int:
    """How many processes lay out the body: one per core (check.jobs), each with enough modules to be worth it."""
    jobs = load_config(csdb).get("check.jobs") or os.cpu_count() or 1
    return max(1, min(jobs, modules // MODULES_PER_PROCESS))


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
    block, ul, ul_block = None, None, None
    if style == "eskd":
        facts = pm_facts(book)
        people = signatories.of_object(site.csdb, Path(pub.obj.path), pub.obj.kind)
        block = eskd.TitleBlock(facts["designation"], facts["title"], facts["organisation"], language,
                                signatories=people)
        ul = signatories.information_sheet(site.csdb, f"{block.designation}-УЛ", block.title)
        if ul is not None:
            ul_block = eskd.TitleBlock(ul["designation"], f"{block.title}. {word('ul', language)}",
                                       block.organisation, language,
                                       signatories=signatories.by_role(ul["signatories"]))
    composition = compose(book, style, block, ul, ul_block, parts=processes(site.csdb, len(book.parts)))
    with _status(progress, f"Laying out {len(book.parts)} module(s) on pages"):
        pages = lay_out_book(composition, allowed_roots(site), out)
    return PdfResult(str(out), pub.obj.key, language, style, chosen.id if chosen else None, pages, len(book.parts),
                     failed, round(time.perf_counter() - started, 2))


def file_name(site: Site, pm_key: str, language: str) -> str:
    """PMC-<code>_<issue>_<language>.pdf, after S1000D file naming."""
    obj = site.publication(pm_key, language).obj
    return f"{pm_key}_{obj.issue or '000-00'}_{obj.language or language}.pdf"
