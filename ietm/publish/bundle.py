"""`ietm publish`: the whole manual as a static, self-contained, offline-capable bundle.

One linear pipeline (gate → index → plan → pages → illustrations → assets → search index → service worker →
manifest), built in a temporary folder beside the destination and swapped in with a rename, so a reader of
the old bundle never sees a half-written one. Pages come from the viewer's own Pages and renderers, with
StaticLinks; the only differences from the server are links and the bundle's head (web app manifest).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

from ietm import __version__
from ietm.errors import InputError, Refused
from ietm.index.offline import build_offline_index, dumps
from ietm.index.store import SearchIndex
from ietm.paths import STATIC, VIEWER
from ietm.publish.links import Plan, StaticLinks, icn_output
from ietm.publish.manifest import digests, release_id, write_manifest
from ietm.publish.signatures import carry_signatures
from ietm.web.i18n import message
from ietm.web.pages import Crumb, Pages
from ietm.web.site import BROWSER_TYPES, Site

ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="16" fill="#1d4f91"/>'
        '<path d="M24 20h40l8 8v48H24z" fill="#fff"/><path d="M32 40h32M32 52h32M32 64h20" stroke="#1d4f91" '
        'stroke-width="5"/></svg>')
PARALLEL_FROM = 200  # pages; below this, starting workers costs more than it saves
BUNDLE_MARK = "manifest.json"  # a folder holding this was written by ietm publish, and may be replaced


@dataclass
class PublishResult:
    out: str
    release: str
    pages: int
    illustrations: int
    files: int
    bytes: int
    search_index_bytes: int
    seconds: float
    gate: str | None

    def to_dict(self) -> dict:
        return asdict(self)


class BundlePages(Pages):
    """The viewer's pages with bundle-relative links; the head also names the web app manifest."""

    def base(self, links: StaticLinks, language: str, path: str, **extra: Any) -> dict[str, Any]:  # type: ignore[override]
        crumbs = extra.get("crumbs")
        if crumbs:
            extra["crumbs"] = [Crumb(c.title, links.root if c.url == "/" else c.url) for c in crumbs]
        if "copies" in extra and extra.get("page_key"):
            extra["copies"] = self._published_copies(extra["page_key"], links)
        ctx = super().base(links, language, path, **extra)
        ctx["root"] = links.prefix
        ctx["js"] = [*ctx["js"], "js/offline.js"]  # service worker, offline notice, newer-release offer
        ctx["css"] = [*ctx["css"], "css/search.css"]  # its banners
        ctx.setdefault("offline_index", "search-index.json")  # the header's search box goes to search.html
        return ctx

    def _published_copies(self, key: str, links: StaticLinks) -> list[dict]:
        """Other languages of the module (only the latest issue is published)."""
        out = []
        latest = self.site.latest[key].issue
        for c in self.site.copies[key]:
            if c.issue == latest:
                out.append({"issue": c.issue, "language": c.language, "url": links.dm(key, None, c.language),
                            "current": False})
        return out

    def render(self, template: str, context: dict[str, Any]) -> str:
        html = super().render(template, context)
        prefix = context["links"].prefix
        head = (f'<link rel="manifest" href="{prefix}manifest.webmanifest">\n'
                f'<link rel="icon" href="{prefix}icon.svg" type="image/svg+xml">\n'
                f'<meta name="ietm-bundle" content="{prefix or "./"}">\n'
                '<meta name="theme-color" content="#1d4f91">\n')
        return html.replace("</head>", head + "</head>", 1)


# -- page rendering, in worker processes for large manuals --------------------------------------------------

_worker: dict[str, Any] = {}


def _init_worker(csdb: str, out: str, language: str) -> None:
    site = Site(Path(csdb))
    _worker.update(site=site, pages=BundlePages(site), plan=Plan.of(site, language), out=Path(out), language=language)


def _render_chunk(jobs: list[tuple]) -> tuple[int, set[str]]:
    """Render and write some pages; returns how many, and the ICN files they show."""
    site, pages, plan, out, language = (_worker[k] for k in ("site", "pages", "plan", "out", "language"))
    icns: set[Path] = set()
    for job in jobs:
        kind, dest = job[0], job[1]
        prefix = "../" * dest.count("/")
        links = StaticLinks(site, plan, prefix, icns, job[3] if kind in ("dm", "pm") else None)
        if kind == "dm":
            html = pages.data_module(job[2], None, job[3], None, links, language)
        elif kind == "pm":
            html = pages.publication(site.publication(job[2], job[3]), links, language)  # that language's copy
        elif kind == "home":
            html = pages.home(links, language)
        elif kind == "modules":
            html = pages.modules(links, language)
        elif kind == "products":
            html = pages.products(links, language)
        elif kind == "search":
            from ietm.web.searching import render_page

            html = render_page(pages, links, language, "/search", results=None, q="", product=None, type=None,
                               lang_filter=None, offline_index="search-index.json")
        else:  # "404"
            html = pages.error(404, message("not_in_bundle"), links=links, language=language)
        target = out / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return len(jobs), {str(p) for p in icns}


def _jobs(site: Site, plan: Plan) -> list[tuple]:
    jobs: list[tuple] = [("home", "index.html"), ("modules", "dm/index.html"), ("products", "products/index.html"),
                         ("search", "search.html"), ("404", "404.html")]
    for (key, language), page in sorted(plan.pages.items(), key=lambda kv: kv[1]):
        if page.startswith("pm/"):
            if key in site.publications:
                jobs.append(("pm", page, key, language))
        else:
            jobs.append(("dm", page, key, language))
    return jobs


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def render_pages(csdb: Path, out: Path, language: str, jobs: int, progress: bool) -> tuple[int, set[Path]]:
    _init_worker(str(csdb), str(out), language)
    work = _jobs(_worker["site"], _worker["plan"])
    workers = jobs or os.cpu_count() or 1
    icns: set[str] = set()
    count = 0
    if len(work) < PARALLEL_FROM or workers == 1:
        results: Iterable[tuple[int, set[str]]] = map(_render_chunk, _chunks(work, 25))
        results = _track(results, (len(work) + 24) // 25, "Rendering pages", progress)
        for n, used in results:
            count += n
            icns |= used
        return count, {Path(p) for p in icns}
    size = max(10, len(work) // (workers * 20))
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(str(csdb), str(out), language)) as pool:
        for n, used in _track(pool.map(_render_chunk, list(_chunks(work, size))), (len(work) + size - 1) // size,
                              "Rendering pages", progress):
            count += n
            icns |= used
    return count, {Path(p) for p in icns}


def _track(items: Iterable, total: int, description: str, progress: bool) -> Iterable:
    if not progress:
        return items
    from ietm.progress import track

    return track(items, total=total, description=description)


# -- illustrations -------------------------------------------------------------------------------------------

def _convert_one(args: tuple[str, str, str]) -> str:
    csdb, source, dest = args
    site = _worker.get("site") or Site(Path(csdb))
    return _place_icn(site, Path(source), Path(dest))


def _place_icn(site: Site, path: Path, out: Path) -> str:
    """Copy a browser-ready illustration, convert a CGM (through the viewer's cache), or write a placeholder."""
    from ietm.web.routes.icn import placeholder_svg

    target = out / icn_output(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix in BROWSER_TYPES:
        shutil.copyfile(path, target)
    elif suffix == ".cgm":
        shutil.copyfile(site.converted_svg(path), target)
    else:
        target.write_text(placeholder_svg(["This format cannot be shown", f"{path.name} ({suffix.lstrip('.').upper()})"]),
                          encoding="utf-8")
    return str(target)


def place_illustrations(csdb: Path, icns: set[Path], out: Path, jobs: int, progress: bool) -> int:
    work = [(str(csdb), str(p), str(out)) for p in sorted(icns)]
    workers = jobs or os.cpu_count() or 1
    cgms = sum(1 for p in icns if p.suffix.lower() == ".cgm")
    if cgms < 8 or workers == 1:
        for item in _track(work, len(work), "Illustrations", progress):
            _convert_one(item)
        return len(work)
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(str(csdb), str(out), "en")) as pool:
        for _ in _track(pool.map(_convert_one, work), len(work), "Illustrations", progress):
            pass
    return len(work)


# -- the pipeline ---------------------------------------------------------------------------------------------

def check_gate(csdb: Path, jobs: int) -> tuple[bool, str]:
    """`ietm check` as the command runs it with the CSDB's settings: (passed, its summary line)."""
    from ietm.check.brex import DEFAULT_NONFAILING
    from ietm.check.gate import run_gate, standard_steps
    from ietm.check.integrity_commands import default_brex_paths
    from ietm.config import load_config

    config = load_config(csdb)
    defaults = default_brex_paths(csdb, ())
    brex_args = {"search": (), "defaults": defaults, "explicit": None, "values": True,
                 "nonfailing": config.get("brex.nonfailing") or DEFAULT_NONFAILING}
    steps = standard_steps(csdb, ((), (), False), brex_args, defaults, jobs or config.get("check.jobs"))
    gate = run_gate(csdb, steps)
    return gate.ok, gate.summary()


def _prepare_destination(out: Path) -> Path:
    """A fresh build folder beside `out`; refuses to replace a folder that is not a previous bundle."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a folder", str(out))
    if out.is_dir() and any(out.iterdir()) and not (out / BUNDLE_MARK).is_file():
        raise Refused("folder is not empty and holds no published bundle; choose an empty or new folder", str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))


def _swap_in(build: Path, out: Path) -> None:
    """Replace the old bundle by the new one with renames (a reader sees one or the other, whole)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.rename(out, old)
    os.rename(build, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _web_manifest(title: str, language: str) -> dict:
    return {
        "name": title,
        "short_name": "IETM",
        "lang": language,
        "start_url": "./index.html",
        "scope": "./",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4f91",
        "icons": [{"src": "icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }


def publish(csdb: Path, out: Path, language: str = "en", allow_errors: bool = False, jobs: int = 0,
            progress: bool = False) -> PublishResult:
    started = time.perf_counter()
    csdb = Path(csdb)
    if not csdb.is_dir():
        from ietm.errors import NotFound

        raise NotFound("not a CSDB folder", str(csdb))
    if Path(out).resolve().is_relative_to(csdb.resolve()):
        raise InputError("the bundle folder must not be inside the CSDB (its files would be read as CSDB objects)",
                         str(out))
    gate_summary = None
    if not allow_errors:
        ok, gate_summary = check_gate(csdb, jobs)
        if not ok:
            raise Refused(f"the CSDB fails `ietm check` ({gate_summary}); fix it, or publish with --allow-errors",
                          str(csdb))
    index = SearchIndex(csdb)
    index.update(jobs=jobs, progress=progress)
    build = _prepare_destination(out)
    try:
        pages, icns = render_pages(csdb, build, language, jobs, progress)
        illustrations = place_illustrations(csdb, icns, build, jobs, progress)
        shutil.copytree(STATIC, build / "static")
        site, plan = _worker["site"], _worker["plan"]

        def url_of(fields: dict) -> str | None:
            return plan.page(fields["key"], fields.get("language") or None)

        search_index = dumps(build_offline_index(index.open(), url_of))
        (build / "search-index.json").write_text(search_index, encoding="utf-8")
        title = next((p.obj.title for p in site.publications.values() if p.obj.title), "") or "Technical manual"
        (build / "icon.svg").write_text(ICON, encoding="utf-8")
        (build / "manifest.webmanifest").write_text(json.dumps(_web_manifest(title, language), ensure_ascii=False),
                                                     encoding="utf-8")
        carry_signatures(csdb, build)  # the signed release and signatures, checked in the browser (publish/signatures.py)
        contents = digests(build)
        release = release_id(contents)
        (build / "release.json").write_text(json.dumps({"release": release, "ietm": __version__}), encoding="utf-8")
        sw = (VIEWER / "sw.js").read_text(encoding="utf-8")
        (build / "sw.js").write_text(f'const RELEASE = "{release}";\n{sw}', encoding="utf-8")
        files, size = write_manifest(build, release, contents)
        _swap_in(build, out.resolve())
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return PublishResult(str(out), release, pages, illustrations, files, size, len(search_index.encode()),
                         round(time.perf_counter() - started, 2), gate_summary)
