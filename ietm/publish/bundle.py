"""`ietm publish`: the whole manual as a static, self-contained, offline-capable bundle.

One linear pipeline (gate → plan → pages, with the search index updated and the offline one made meanwhile →
illustrations → assets → service worker → manifest), built in a folder beside the destination and swapped in with
a rename, so a reader of the old bundle never sees a half-written one. Pages come from the viewer's own Pages and
renderers, with StaticLinks (ietm.publish.pages); the only differences from the server are links, the bundle's
head (web app manifest) and the data every page shares, which the bundle keeps in one file each
(ietm.publish.shared).

Re-publishing to the same folder is incremental (ietm.publish.state): the build folder starts as hard links to
the previous bundle's files (when it was made by the same code and settings; else every file is made again), only
pages whose module or linked objects changed are rendered again, and only new files are hashed for the manifest.
The bundle before the previous one is kept in the state folder as a spare tree (hard links to the previous one's
files, but those the last publish wrote): the next build starts from it, so a re-publish removes and links only
the files that differ instead of every file of the bundle, and no old bundle is removed file by file. Every text
file is written with its gzip and brotli forms.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ietm import __version__
from ietm.errors import InputError, Refused
from ietm.index.offline import offline_index_size, write_offline_index
from ietm.index.store import SearchIndex
from ietm.paths import STATIC, VIEWER
from ietm.publish.files import copy_file, drop_variants, is_variant, remove_tree, tree, write_file
from ietm.publish.links import Plan, icn_output
from ietm.publish.manifest import NAME as MANIFEST, read_manifest, release_id, update_digests, write_manifest
from ietm.publish.pages import OFFLINE_INDEX, jobs_of, render_pages, track
from ietm.publish.signatures import carry_signatures, signature_map
from ietm.publish.state import (LISTING_PAGES, PageRecord, PublishState, build_fingerprint, key_stamps,
                                listing_stamps, search_made_from, search_stamp, set_stamps, stamp)
from ietm.web.site import BROWSER_TYPES, Site

ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="16" fill="#1d4f91"/>'
        '<path d="M24 20h40l8 8v48H24z" fill="#fff"/><path d="M32 40h32M32 52h32M32 64h20" stroke="#1d4f91" '
        'stroke-width="5"/></svg>')
BUNDLE_MARK = MANIFEST  # a folder holding this was written by ietm publish, and may be replaced
#: folders whose files are all made from the CSDB by a build (what is not made again is removed)
PAGE_FOLDERS = ("dm", "pm")


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
    rendered: int = 0  # pages rendered by this run (the others were unchanged since the last one)
    incremental: bool = False
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each step (bench/bench_publish.py)

    def to_dict(self) -> dict:
        return asdict(self)


# -- illustrations -------------------------------------------------------------------------------------------

def _place_icn(site: Site, path: Path, out: Path) -> None:
    """Copy a browser-ready illustration, convert a CGM (through the viewer's cache), or write a placeholder."""
    from ietm.render.placeholder import placeholder_svg

    target = out / icn_output(path)
    suffix = path.suffix.lower()
    if suffix in BROWSER_TYPES:
        copy_file(path, target)
    elif suffix == ".cgm":
        copy_file(site.converted_svg(path), target)
    else:
        write_file(target, placeholder_svg(["This format cannot be shown",
                                            f"{path.name} ({suffix.lstrip('.').upper()})"]).encode("utf-8"))


def _convert_one(args: tuple[str, str, str]) -> str:
    from ietm.publish.pages import worker_site

    _, source, dest = args
    _place_icn(worker_site(), Path(source), Path(dest))
    return source


def place_illustrations(csdb: Path, site: Site, icns: set[Path], out: Path, jobs: int, progress: bool) -> int:
    """Each illustration a page shows, once, in icn/ (CGM converted to SVG)."""
    from ietm.publish.pages import init_worker, worker_pool

    work = [(str(csdb), str(p), str(out)) for p in sorted(icns)]
    if not work:
        return 0
    workers = jobs or os.cpu_count() or 1
    cgms = sum(1 for p in icns if p.suffix.lower() == ".cgm" and not _converted(site, p))
    language = site.config.get("serve.language")
    init_worker(str(csdb), str(out), language, site, Plan(language))  # converting needs the Site, not the pages
    if cgms < 8 or workers == 1:
        for item in track(work, len(work), "Illustrations", progress):
            _convert_one(item)
        return len(work)
    with worker_pool(workers, csdb, out, language) as pool:
        for _ in track(pool.map(_convert_one, work), len(work), "Illustrations", progress):
            pass
    return len(work)


def _converted(site: Site, path: Path) -> bool:
    """Is this CGM's SVG already in the viewer's conversion cache?"""
    from ietm.render.cgm import VERSION
    import hashlib

    st = path.stat()
    tag = hashlib.sha1(f"{path.name}:{st.st_size}:{st.st_mtime_ns}:{VERSION}".encode()).hexdigest()[:12]
    return (site.cache_dir / f"{path.stem}-{tag}.svg").exists()


class Phases(dict):
    """Seconds spent in each step of one run, named by the step that just ended: where a publish goes."""

    def __init__(self) -> None:
        super().__init__()
        self._last = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self[step] = round(self.get(step, 0.0) + now - self._last, 3)
        self._last = now


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


def _spare_place(csdb: Path, out: Path) -> Path | None:
    """Where the bundle before the current one is kept, to be made into the next one (ietm.publish.state's
    folder, beside the state of `out`), or None when that is not on the file system of `out` (a rename must
    move it)."""
    place = PublishState.file_for(csdb, out).with_suffix(".spare")
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        if os.stat(place.parent).st_dev != os.stat(out.resolve().parent).st_dev:
            return None
    except OSError:
        return None
    return place


def _take_spare(spare: Path | None, build: Path) -> tuple[dict[str, int], list[str]]:
    """Move the spare tree (the bundle before the last one, mostly hard links to the last one's files) into the
    empty build folder; returns what it holds (nothing when there is none, or another publish took it)."""
    if spare is None:
        return {}, []
    try:
        os.rename(spare, build)
    except OSError:
        return {}, []
    return tree(build)


def _link_tree(old: Path, build: Path, listed: dict[str, dict], spare: Path | None = None) -> dict[str, int]:
    """Make the build folder the previous bundle's files, as hard links: only those its manifest lists, as they
    were published (same size, not modified after the manifest was written); what is not taken is made again.
    The build starts from the `spare` tree when there is one: only the files that differ from the previous
    bundle's are removed and linked (a handful after a small change, instead of every file of the bundle).
    Returns the inode of each file taken. (Paths as strings: tens of thousands of files.)"""
    published = (old / MANIFEST).stat().st_mtime_ns
    taken: dict[str, int] = {}
    base = f"{old}/"
    for rel, meta in listed.items():
        try:
            st = os.stat(base + rel)
        except OSError:
            continue
        if st.st_size == meta.get("size") and st.st_mtime_ns <= published:
            taken[rel] = st.st_ino
    have, folders = _take_spare(spare, build)
    if have:
        for rel, inode in have.items():
            if taken.get(rel) != inode:
                os.unlink(os.path.join(build, rel))
        needed = {rel.rpartition("/")[0] for rel in taken}
        needed |= {f[:i] for f in needed for i, c in enumerate(f) if c == "/"}
        for folder in sorted(set(folders) - needed, reverse=True):  # deepest first: all empty now
            os.rmdir(os.path.join(build, folder))
    made = {""}
    for rel, inode in taken.items():
        if have.get(rel) == inode:
            continue
        folder = rel.rpartition("/")[0]
        if folder not in made:
            os.makedirs(os.path.join(build, folder), exist_ok=True)
            made.add(folder)
        source, target = os.path.join(old, rel), os.path.join(build, rel)
        try:
            os.link(source, target)
        except OSError:  # no hard links on this file system: copy
            shutil.copy2(source, target)
            taken[rel] = os.stat(target).st_ino
    return taken


def _remove_later(folder: Path) -> threading.Thread:
    """Remove a folder on a thread (tens of thousands of files) while the caller goes on: join it before
    returning."""
    remover = threading.Thread(target=remove_tree, args=(folder,))
    remover.start()
    return remover


def _swap_in(build: Path, out: Path, keep: Path | None) -> threading.Thread | None:
    """Replace the old bundle by the new one with renames (a reader sees one or the other, whole). The old one is
    kept at `keep` (to be made into the next bundle) or removed on a thread (join it before returning)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        if keep is not None:
            try:
                os.rename(out, keep)
                old = None
            except OSError:  # another publish left a spare there meanwhile
                pass
        if old is not None:
            os.rename(out, old)
    os.chmod(build, 0o755)  # mkdtemp made it private; a web server must read it
    os.rename(build, out)
    return _remove_later(old) if old is not None else None


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


def _remove(build: Path, rel: str) -> None:
    path = os.path.join(build, rel)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    drop_variants(path)


def _write_if_changed(path: Path, data: bytes) -> None:
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_file(path, data)


def publish(csdb: Path, out: Path, language: str = "en", allow_errors: bool = False, jobs: int = 0,
            progress: bool = False, incremental: bool = True) -> PublishResult:
    """Publish `csdb` to the folder `out`; with `incremental`, reuse what an earlier publication there still has
    right (the result is the same bundle as a whole build gives)."""
    started = time.perf_counter()
    csdb = Path(csdb)
    out = Path(out)
    if not csdb.is_dir():
        from ietm.errors import NotFound

        raise NotFound("not a CSDB folder", str(csdb))
    if out.resolve().is_relative_to(csdb.resolve()):
        raise InputError("the bundle folder must not be inside the CSDB (its files would be read as CSDB objects)",
                         str(out))
    gate_summary = None
    phase = Phases()
    if not allow_errors:
        ok, gate_summary = check_gate(csdb, jobs)
        if not ok:
            raise Refused(f"the CSDB fails `ietm check` ({gate_summary}); fix it, or publish with --allow-errors",
                          str(csdb))
    phase("gate")
    site = Site(csdb)  # the catalog brought up to date and read
    phase("catalog")
    index = SearchIndex(csdb)
    build = _prepare_destination(out)
    removers: list[threading.Thread | None] = []
    try:
        plan = Plan.of(site, language)
        old_manifest = read_manifest(out) if (out / MANIFEST).is_file() else None
        state = PublishState.load(csdb, out, old_manifest and old_manifest.get("release")) if incremental \
            else PublishState()
        fingerprint = build_fingerprint(site, language)
        reuse = bool(state.release) and state.fingerprint == fingerprint
        phase("plan")
        spare = _spare_place(csdb, out)
        linked: dict[str, int] = {}
        if reuse:
            linked = _link_tree(out.resolve(), build, old_manifest["files"], spare)
        else:  # a whole build: every file is made again, nothing of the previous bundle is worth linking
            state.clear_pages()
            if spare is not None and spare.is_dir():  # removed meanwhile: on this machine's disk (mounted
                # with discard) a file removed can take milliseconds, most of it waiting for the disk
                gone = spare.with_name(f"{spare.name}.old-{os.getpid()}")
                os.rename(spare, gone)
                removers.append(_remove_later(gone))
        phase("previous bundle linked")

        def stamps_now() -> dict[str, dict[str, str]]:
            """Each family's stamps of every object now (what the pages are made from), and the signed release
            and signatures carried into the bundle (checked in the browser: publish/signatures.py)."""
            signed = signature_map(site.csdb)
            stamps = key_stamps(site, signed)
            # the set of modules, where-used: what adding or removing a module changes
            sets = set_stamps(site, stamps, state.stamps.get("keys", {}) if reuse else {})
            stamps.update(sets)
            state.csdb_files = carry_signatures(csdb, build, state.csdb_files, signed)
            return {"keys": stamps, "listing": listing_stamps(site, sets)}

        work = jobs_of(site, plan)
        wanted = {job[1] for job in work}
        families: dict[str, dict[str, str]] = {}
        if reuse:  # the pages whose objects changed since the last publish
            families = stamps_now()

            def family(kind: str) -> str:
                return "listing" if kind in LISTING_PAGES else "keys"

            stale = {name: state.dependents(state.changed(name, value)) for name, value in families.items()}
            todo = [job for job in work if job[1] not in linked or state.stale(job[1], stale[family(job[0])])]
            for folder in PAGE_FOLDERS:  # pages of modules no longer published
                try:
                    names = os.listdir(build / folder)
                except FileNotFoundError:
                    continue
                for name in names:
                    rel = f"{folder}/{name}"
                    if name.endswith(".html") and rel not in wanted:
                        _remove(build, rel)
                        state.forget(rel)
        else:  # every page: the stamps are only recorded for the next publish, and worked out meanwhile
            todo = work
        phase("what changed")

        def url_of(fields: dict) -> str | None:
            return plan.page(fields["key"], fields.get("language") or None)

        search_key = ""
        search_bytes = 0

        def meanwhile() -> None:
            """What no page needs, done by this process while the workers render the pages: the stamps (in a whole
            build), the search index brought up to date and the offline one made from it."""
            nonlocal search_bytes, search_key
            if not families:
                families.update(stamps_now())
            index.update(jobs=jobs, progress=progress, refresh=False)  # the catalog is as the Site has just made it
            search_key = search_stamp(index.state_path, fingerprint)
            if state.search == search_key and (build / OFFLINE_INDEX).is_file():  # linked from the last bundle
                search_bytes = offline_index_size(build)
            else:
                search_bytes = write_offline_index(index.open(), url_of, build, PublishState.search_memo(csdb, out),
                                                   search_made_from(fingerprint, index.state()), index.state()["docs"])

        written: dict[str, dict] = {}  # manifest entries of the pages' files, hashed as they were written
        done = render_pages(csdb, build, language, todo, jobs, progress, site, plan, written,
                            alongside=meanwhile)
        phase("pages")  # (and what is made meanwhile)
        for dest, keys, icns in done:
            state.record(dest, PageRecord(keys, icns))
        for rel in state.recorded - wanted:
            state.forget(rel)
        state.stamps = families

        icns = {Path(p) for p in state.shown_icns()}
        shown = {icn_output(p) for p in icns}
        if (build / "icn").is_dir():
            for path in (build / "icn").iterdir():
                rel = f"icn/{path.name}"
                if not is_variant(rel, shown) and rel not in shown:
                    _remove(build, rel)
        icn_stamps = {str(p): stamp(p) for p in icns}
        fresh = {p for p in icns if not reuse or state.icns.get(str(p)) != icn_stamps[str(p)]
                 or not (build / icn_output(p)).is_file()}
        place_illustrations(csdb, site, fresh, build, jobs, progress)
        state.icns = icn_stamps
        phase("illustrations")

        for source in sorted(p for p in STATIC.rglob("*") if p.is_file()):
            target = build / "static" / source.relative_to(STATIC)
            if not target.is_file():
                copy_file(source, target)
        phase("assets")

        state.search = search_key
        title = next((p.obj.title for p in site.publications.values() if p.obj.title), "") or "Technical manual"
        _write_if_changed(build / "icon.svg", ICON.encode())
        _write_if_changed(build / "manifest.webmanifest",
                          json.dumps(_web_manifest(title, language), ensure_ascii=False).encode("utf-8"))
        for name in ("release.json", "sw.js"):
            _remove(build, name)  # named after the release: written once it is known
        known = old_manifest["files"] if reuse else None
        contents = update_digests(build, linked, known, written)
        phase("digests")
        release = release_id(contents)
        named: dict[Path, dict] = {}  # the files named after the release, hashed as they are written
        write_file(build / "release.json", json.dumps({"release": release, "ietm": __version__}).encode(), digests=named)
        sw = (VIEWER / "sw.js").read_text(encoding="utf-8")
        write_file(build / "sw.js", f'const RELEASE = "{release}";\n{sw}'.encode("utf-8"), digests=named)
        contents.update({path.relative_to(build).as_posix(): entry for path, entry in named.items()})
        files, size = write_manifest(build, release, contents)
        # the old bundle is kept as the next one's spare tree when the new one is mostly hard links to it
        keep = spare if reuse and linked and 2 * len(todo) < len(work) else None
        removers.append(_swap_in(build, out.resolve(), keep))
    except BaseException:
        remove_tree(build)
        for remover in removers:
            if remover is not None:
                remover.join()
        raise
    try:
        phase("manifest and swap")
        state.release, state.fingerprint = release, fingerprint
        state.save(csdb, out)
    finally:
        for remover in removers:
            if remover is not None:
                remover.join()
    phase("state saved")
    pages = len(work)
    return PublishResult(str(out), release, pages, len(icns), files, size, search_bytes,
                         round(time.perf_counter() - started, 2), gate_summary, len(todo), reuse, dict(phase))
