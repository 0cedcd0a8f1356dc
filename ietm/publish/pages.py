"""The bundle's pages: the viewer's own Pages and renderers with StaticLinks, rendered on every core.

Each worker process builds the Site once, then renders whole chunks of pages and writes each with its
compressed forms; what a page linked to (its dependencies, for incremental publishing) and the illustrations
it shows go back to the main process.
"""

from __future__ import annotations

import gc
import os
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ietm.index.offline import HEAD
from ietm.orders import bundle as orders_bundle
from ietm.parse.model import cir_target
from ietm.publish.files import write_page
from ietm.publish.links import Plan, StaticLinks
from ietm.publish.shared import SharedScripts
from ietm.publish.state import MODULE_SET, ReadingOrder, uses_key
from ietm.web.security import inline_script_hashes
from ietm.i18n import STRINGS
from ietm.web.i18n import message
from ietm.sign.formats import SUFFIXES as SIGNATURE_SUFFIXES
from ietm.web.pages import Crumb, Pages
from ietm.web.signatures import Signatures
from ietm.web.site import Site

#: the interface words a bundle's scripts are given: those of the modules that publishing imports. A module
#: imported on the way by what a run happened to do (the catalog telling running servers of a change declares
#: a command-line message) declares words no page needs, and would make a bundle depend on that run.
_BUNDLE_WORDS = frozenset(STRINGS)

PARALLEL_FROM = 50  # pages; below this, starting workers (forked: they inherit the Site) costs more than it saves
OFFLINE_INDEX = HEAD  # the offline search index: its head, which names the rest

#: one page to render: (kind, bundle path, key, content language); kind is dm, pm, home, modules, products,
#: search or 404
Job = tuple


class PublishedSignatures(Signatures):
    """The signature badges of one publish, of the CSDB as publishing found it: which files are plain (no
    symbolic link to resolve) and which have a signature file beside them is read in one walk of the CSDB, and
    the release manifest's stamp once, instead of resolving each module's path and looking for its signature
    files and the release's (about ten system calls a page). A signed module is checked as the server checks it."""

    def __init__(self, csdb: Path) -> None:
        super().__init__(csdb)
        self._plain: set[str] = set()  # files that are no symbolic link, in folders that are none
        self._names: set[str] = set()  # every file's path
        self._walk(str(self.csdb))
        self._release_stamp: tuple | None = None

    def _walk(self, folder: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith("."):  # ietm's own state, version control
                        self._walk(entry.path)
                    continue
                self._names.add(entry.path)
                if not entry.is_symlink():
                    self._plain.add(entry.path)

    def canonical(self, path: Path) -> Path:
        return Path(path) if str(path) in self._plain else super().canonical(path)

    def signature_stamp(self, path: Path) -> tuple[int, ...]:
        name = str(path)
        if name in self._plain and not any(name + suffix in self._names for suffix in SIGNATURE_SUFFIXES):
            return (0,) * len(SIGNATURE_SUFFIXES)
        return super().signature_stamp(path)

    def release_stamp(self, manifest: Path) -> tuple:
        if self._release_stamp is None:
            self._release_stamp = super().release_stamp(manifest)
        return self._release_stamp


class BundlePages(Pages):
    """The viewer's pages with bundle-relative links; the head also names the web app manifest, and the words
    and product table come from shared scripts (ietm.publish.shared) instead of being repeated in each page; the
    head also carries the bundle's Content-Security-Policy and the server that receives orders (ietm.orders.bundle)."""

    _policy: str | None = None
    last_context: dict[str, Any] = {}  # the context of the page rendered last

    def __init__(self, site: Site, shared: SharedScripts) -> None:
        super().__init__(site)
        self.shared = shared
        self.env.auto_reload = False  # the templates do not change while a bundle is built: no stat per include
        self.signatures = PublishedSignatures(site.csdb)
        # (language, id of the product table a page shows) -> (that table, its shared script): a table is written
        # as JSON and hashed once, not once per page (the table of an ACT of 10,000 modules is large)
        self._applic_scripts: dict[tuple[str, int], tuple[dict, str]] = {}
        # module key -> its applicability as a whole, as the workers that rendered the modules' pages found it:
        # a publication's contents show it beside each module, which would otherwise parse every module again
        self.known_applic: dict[str, dict | None] = {}
        self._words: dict[str, dict[str, str]] = {}  # language -> the words of _BUNDLE_WORDS in it
        self.reading_order = ReadingOrder(site)  # what previous and next depend on (ietm.publish.state)

    def module_applic(self, key: str) -> dict | None:
        if key in self.known_applic:
            return self.known_applic[key]
        return super().module_applic(key)

    def base(self, links: StaticLinks, language: str, path: str, **extra: Any) -> dict[str, Any]:  # type: ignore[override]
        crumbs = extra.get("crumbs")
        if crumbs:
            extra["crumbs"] = [Crumb(c.title, links.root if c.url == "/" else c.url) for c in crumbs]
        if "copies" in extra and extra.get("page_key"):
            extra["copies"] = self._published_copies(extra["page_key"], links)
        source = extra.get("applic") or self.applic_data(None)  # what Pages.base puts in the page's language
        ctx = super().base(links, language, path, **extra)
        ctx["root"] = links.prefix
        # service worker, offline notice, newer-release offer; a delivery's check and update on its start page
        ctx["js"] = [*ctx["js"], "js/offline.js", "js/delivery.js"]
        ctx["css"] = [*ctx["css"], "css/search.css"]  # its banners
        ctx.setdefault("offline_index", OFFLINE_INDEX)  # the header's search box goes to search.html
        applic = self._applic_scripts.get((language, id(source)))
        if applic is None or applic[0] is not source:
            applic = self._applic_scripts[(language, id(source))] = (
                source, self.shared.script("applic", "ietm-applic", ctx["applic"]))
        words = self._words.get(language)
        if words is None:
            words = self._words[language] = {k: v for k, v in ctx["strings"].items() if k in _BUNDLE_WORDS}
        ctx["shared_data"] = [links.prefix + self.shared.strings(language, words), links.prefix + applic[1]]
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

    def render_context(self, obj, doc, links: StaticLinks, language: str, unknown, titles):  # type: ignore[no-untyped-def,override]
        """The renderers' context, whose where-used lookups the page records as it does its links: a
        repository page is made again when a module that refers to one of its entries is added or removed
        (ietm.publish.state)."""
        ctx = super().render_context(obj, doc, links, language, unknown, titles)
        lookup = ctx.uses
        if lookup is not None:
            def uses(kind: str, ident: str) -> list[tuple[str, str]]:
                links.keys.add(uses_key(cir_target(kind, ident)))
                return lookup(kind, ident)

            ctx.uses = uses
        return ctx

    def render(self, template: str, context: dict[str, Any]) -> str:
        self.last_context = context  # (what the page showed: render_chunk reads the module's applicability there)
        html = super().render(template, context)
        if self._policy is None:  # the same for every page: worked out once
            self._policy = orders_bundle.head(self.site.config, inline_script_hashes())
        html = html.replace('<meta charset="utf-8">\n', '<meta charset="utf-8">\n' + self._policy, 1)
        prefix = context["links"].prefix
        head = (f'<link rel="manifest" href="{prefix}manifest.webmanifest">\n'
                f'<link rel="icon" href="{prefix}icon.svg" type="image/svg+xml">\n'
                f'<meta name="ietm-bundle" content="{prefix or "./"}">\n'
                '<meta name="theme-color" content="#1d4f91">\n')
        return html.replace("</head>", head + "</head>", 1)


def jobs_of(site: Site, plan: Plan) -> list[Job]:
    """Every page of the bundle: the five fixed ones, then each module and publication page in page order."""
    jobs: list[Job] = [("home", "index.html"), ("modules", "dm/index.html"), ("products", "products/index.html"),
                       ("search", "search.html"), ("404", "404.html")]
    for (key, language), page in sorted(plan.pages.items(), key=lambda kv: kv[1]):
        if page.startswith("pm/"):
            if key in site.publications:
                jobs.append(("pm", page, key, language))
        else:
            jobs.append(("dm", page, key, language))
    return jobs


# -- workers ---------------------------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


def init_worker(csdb: str, out: str, language: str, site: Site | None = None, plan: Plan | None = None) -> None:
    site = site or Site(Path(csdb))
    _worker.update(site=site, pages=BundlePages(site, SharedScripts(Path(out))), plan=plan or Plan.of(site, language),
                   out=Path(out), language=language)


def _forked() -> None:
    """A worker forked from the main process has its Site, plan and compiled templates already; only the
    catalog's database connection must be its own."""
    _worker["site"].catalog.reopen()
    _collect_less()


def _spawned(csdb: str, out: str, language: str) -> None:
    init_worker(csdb, out, language)
    _collect_less()


def _collect_less() -> None:
    """A worker's garbage is nearly all freed by reference counting: what it was given (the Site, the plan,
    the templates) is left out of the cycle collector's passes, and young objects are looked at in larger
    batches. Full passes over the Site were a tenth of a page's time (0.9 of 12.4 s of CPU over 2,102 pages,
    0.23 s so)."""
    gc.freeze()
    gc.set_threshold(7000, 10, 10)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def worker_pool(workers: int, csdb: Path, out: Path, language: str) -> Iterator[Executor]:
    """Worker processes for the bundle's pages and illustrations, set up as init_worker set up this process:
    forked from it where the system can (each then starts with this process's Site, plan and templates instead
    of building its own: the catalog read and the viewer's indexes cost a second or more at 10,000 modules),
    else each builds its own. When the build fails meanwhile (here or in a worker), the work not yet started is
    dropped: the error is told when the chunks being rendered are done, not when every page is."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    forked = _can_fork()
    if forked:
        # what this process holds is also left out of its own cycle collections while the workers run: a full
        # pass writes to every object it walks, so this process would copy the memory it shares with them
        gc.freeze()
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_forked)
    else:
        pool = ProcessPoolExecutor(workers, initializer=_spawned, initargs=(str(csdb), str(out), language))
    try:
        yield pool
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    finally:
        pool.shutdown()
        if forked:
            gc.unfreeze()


def worker_site() -> Site:
    return _worker["site"]


def render_one(job: Job) -> tuple[str, set[str], set[Path]]:
    """Render and write one page; returns (its HTML, the keys it links to, the ICN files it shows)."""
    site, pages, plan, language = (_worker[k] for k in ("site", "pages", "plan", "language"))
    kind, dest = job[0], job[1]
    icns: set[Path] = set()
    links = StaticLinks(site, plan, "../" * dest.count("/"), icns, job[3] if kind in ("dm", "pm") else None)
    if kind == "dm":
        html = pages.data_module(job[2], None, job[3], None, links, language)
        links.keys.update(pages.reading_order.around(job[2], job[3]))
    elif kind == "pm":
        html = pages.publication(site.publication(job[2], job[3]), links, language)  # that language's copy
    elif kind == "home":
        html = pages.home(links, language)
        links.keys.add(MODULE_SET)  # it counts the modules
    elif kind == "modules":
        html = pages.modules(links, language)
        links.keys.add(MODULE_SET)
    elif kind == "products":
        html = pages.products(links, language)
    elif kind == "search":
        from ietm.web.searching import render_page

        html = render_page(pages, links, language, "/search", results=None, q="", product=None, type=None,
                           lang_filter=None, offline_index=OFFLINE_INDEX)
    else:  # "404"
        html = pages.error(404, message("not_in_bundle"), links=links, language=language)
    return html, links.keys, icns


#: (bundle path, keys it depends on (its own and those it links to, sorted), ICN files it shows, {bundle path:
#: manifest entry} of its files, and for a module page whose copy is the module's latest: (module key, its
#: applicability as a whole))
Rendered = tuple


def render_chunk(jobs: list[Job], applics: dict[str, dict | None] | None = None) -> list[Rendered]:
    """Render and write some pages, hashing each file as it is written; `applics`: what the module pages found
    of the applicability of the modules the publications among `jobs` list."""
    out, site, pages = _worker["out"], _worker["site"], _worker["pages"]
    if applics:
        pages.known_applic.update(applics)
    done = []
    for job in jobs:
        html, keys, icns = render_one(job)
        written = write_page(out, job[1], html.encode("utf-8"))
        applic = None
        if job[0] == "dm":
            latest = site.latest.get(job[2])
            if latest is not None and site.find(job[2], None, job[3]).path == latest.path:
                # what Site.module_applic makes of the latest copy, as its page just showed it
                applic = (job[2], pages.last_context.get("module_applic") if latest.applic else None)
        if len(job) > 2:  # a module's or publication's page depends on its own object too
            keys.add(job[2])
        done.append((job[1], sorted(keys), sorted(str(p) for p in icns), written, applic))
    return done


def _in_order(chunks: list[list[Job]]) -> list[list[Rendered]]:
    """Chunks rendered one after the other, the publications with the applicability the pages before found."""
    applics: dict[str, dict | None] = {}
    out = []
    for chunk in chunks:
        out.append(render_chunk(chunk, applics))
        applics.update(done[4] for done in out[-1] if done[4] is not None)
    return out


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _cost(site: Site, job: Job) -> int:
    """What a page is expected to cost: its module's size (a business-rules module of 2 MB takes a hundred
    times the time of a procedure)."""
    obj = site.latest.get(job[2]) if job[0] == "dm" else None
    try:
        return os.stat(obj.path).st_size if obj is not None else 0
    except OSError:
        return 0


def _balanced_chunks(site: Site, jobs: list[Job], workers: int) -> list[list[Job]]:
    """The pages in chunks of about the same cost (fewer pages where they are large), so that no chunk late in
    the queue keeps one core busy long after the other is idle. In page order, not largest first: the Site
    keeps the modules it parsed last and the Pages their fragments, and a run of the largest modules (2 MB
    business-rules modules) would keep a gigabyte of them in each worker."""
    costs = [_cost(site, job) for job in jobs]
    target = max(1, sum(costs) // (workers * 40))
    chunks: list[list[Job]] = []
    chunk: list[Job] = []
    spent = 0
    for job, cost in zip(jobs, costs):
        chunk.append(job)
        spent += cost
        if spent >= target or len(chunk) >= 100:
            chunks.append(chunk)
            chunk, spent = [], 0
    if chunk:
        chunks.append(chunk)
    return chunks


def render_pages(csdb: Path, out: Path, language: str, work: list[Job], jobs: int, progress: bool, site: Site,
                 plan: Plan, digests: dict[str, dict], alongside: Callable[[], None] = lambda: None,
                 ) -> list[tuple[str, list[str], list[str]]]:
    """Render `work` into `out`, on every core when there is enough of it: [(bundle path, keys it depends on, ICN
    files it shows)] for each page; the manifest entries of the files written go into `digests`. `alongside`
    is work of this process that needs no page: it is done while the workers render (this process would only
    wait for them), else before the pages."""
    results: list[tuple[str, list[str], list[str]]] = []
    applics: dict[str, dict | None] = {}

    def collect(done: list[Rendered]) -> None:
        for dest, keys, icns, written, applic in done:
            results.append((dest, keys, icns))
            digests.update(written)
            if applic is not None:
                applics[applic[0]] = applic[1]

    workers = jobs or os.cpu_count() or 1
    if len(work) < PARALLEL_FROM or workers == 1:
        if not work:
            alongside()
            return results
        init_worker(str(csdb), str(out), language, site, plan)
        chunks = _chunks(work, 25)  # (publications last in page order: they find what the module pages told)
        if workers > 1 and _can_fork():  # a few pages (a re-publish): one forked worker renders them meanwhile
            with worker_pool(1, csdb, out, language) as pool:
                pending = pool.submit(_in_order, list(chunks))
                alongside()
                for done in pending.result():
                    collect(done)
            return results
        alongside()
        for done in track((render_chunk(chunk, applics) for chunk in chunks), (len(work) + 24) // 25,
                          "Rendering pages", progress):
            collect(done)
        return results
    init_worker(str(csdb), str(out), language, site, plan)
    # the first page is rendered here, so what every page needs and is made on first use (templates compiled,
    # applicability tables and repositories read) is made once, and the forked workers start with it
    collect(render_chunk(work[:1]))
    # publications last: their contents show each module's applicability, which the modules' pages tell
    pubs = [job for job in work[1:] if job[0] == "pm"]
    chunks = _balanced_chunks(site, [job for job in work[1:] if job[0] != "pm"], workers)
    with worker_pool(workers, csdb, out, language) as pool:
        pending = {pool.submit(render_chunk, chunk) for chunk in chunks}  # (the workers are forked here)
        alongside()
        for done in track(_pages_then_publications(pool, pending, pubs, workers, site, applics),
                          len(chunks) + (len(pubs) + 19) // 20, "Rendering pages", progress):
            collect(done)
    return results


def _pages_then_publications(pool, pending: set, pubs: list[Job], workers: int, site: Site,
                             applics: dict[str, dict | None]) -> Iterable[list[Rendered]]:
    """Each chunk's pages as they are done; the publications' pages are handed out, with the applicability of
    the modules they list, once the last chunks of module pages have been (those still rendering then are
    found by the publication's worker itself)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    waiting = bool(pubs)
    while pending or waiting:
        if waiting and len(pending) <= workers:  # (also when every module page was done at once)
            waiting = False
            for chunk in _chunks(pubs, 20):
                listed = {item.key for job in chunk for item, _ in site.publication(job[2], job[3]).order}
                pending.add(pool.submit(render_chunk, chunk, {k: applics[k] for k in listed if k in applics}))
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield future.result()


def track(items: Iterable, total: int, description: str, progress: bool) -> Iterable:
    if not progress:
        return items
    from ietm.progress import track as show

    return show(items, total=total, description=description)
