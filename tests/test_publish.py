"""`ietm publish`: a self-contained bundle (every link resolves inside it), a manifest that matches every byte,
a service worker named by its release, CGM illustrations converted, the gate, and atomic replacement."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from clirun import ietm
from ietm.catalog import Catalog
from ietm.publish.manifest import file_digest, verify
from ietm.publish.pages import PARALLEL_FROM

LINK = re.compile(r'(?:href|src|action)="([^"]*)"')


@pytest.fixture(scope="module")
def manual(content: Path, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("pub") / "manual"
    r = ietm("publish", content, "-o", out, "--allow-errors", "--lang", "ru", "-j", "2", "--format", "json")
    assert r.code == 0, r.err
    return out, json.loads(r.out)


@pytest.fixture(scope="module")
def bike_bundle(bike: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pub") / "bike"
    r = ietm("publish", bike, "-o", out, "--allow-errors")
    assert r.code == 0, r.err
    return out


def test_every_module_copy_has_a_page(manual, content: Path):
    out, result = manual
    catalog = Catalog.open(content)
    latest = {(o.key, o.language) for o in catalog.objects(kind="dm", state="latest")}
    pages = {p.name for p in (out / "dm").glob("*.html")} - {"index.html"}
    expected = {f"{key[4:]}_{lang}.html" for key, lang in latest}
    assert pages == expected
    assert result["pages"] == len(expected) + len(list((out / "pm").glob("*.html"))) + 5
    ru = (out / "dm" / "DGEN-A-D10-00-00-00A-040A-A_ru-RU.html").read_text(encoding="utf-8")
    assert "Двигатель" in ru and '<html lang="ru"' in ru


def test_bundle_is_self_contained(manual):
    out, _ = manual
    broken = []
    for page in out.rglob("*.html"):
        for link in LINK.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path or link.startswith(("#", "?", "data:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or not target.is_relative_to(out.resolve()):
                broken.append(f"{page.relative_to(out)} -> {link}")
    assert not broken, broken[:20]


def test_manifest_lists_every_file_with_its_digest(manual):
    out, result = manual
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["release"] == result["release"] and manifest["algorithm"] == "sha256"
    assert verify(out) == []
    assert manifest["files"]["search/head.json"]["sha256"] == file_digest(out / "search/head.json")



def test_pages_rendered_by_workers_are_those_of_one_process(manual, content: Path, tmp_path: Path):
    """The pages are rendered by worker processes forked from the publishing one (they start with its Site and
    plan, and hash the files they write for the manifest): the bundle is byte for byte the one a single
    process makes."""
    out, result = manual  # published with a worker per core
    assert result["pages"] >= PARALLEL_FROM
    one = ietm("publish", content, "-o", tmp_path / "one", "--allow-errors", "--lang", "ru", "-j", "1",
               "--format", "json")
    assert one.code == 0, one.err
    assert json.loads(one.out)["release"] == result["release"]
    assert verify(out) == []


def test_manifest_tells_a_changed_file(content: Path, tmp_path: Path):
    out = tmp_path / "b"
    assert ietm("publish", content, "-o", out, "--allow-errors").code == 0
    (out / "index.html").write_text("tampered", encoding="utf-8")
    (out / "extra.js").write_text("alert(1)", encoding="utf-8")
    assert sorted(verify(out)) == ["extra.js: not in the manifest", "index.html: changed"]


def test_service_worker_and_web_app_manifest(manual):
    out, result = manual
    release = json.loads((out / "release.json").read_text())["release"]
    assert release == result["release"]
    assert (out / "sw.js").read_text().startswith(f'const RELEASE = "{release}";')
    app = json.loads((out / "manifest.webmanifest").read_text())
    assert app["start_url"] == "./index.html" and app["lang"] == "ru" and (out / app["icons"][0]["src"]).is_file()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="manifest" href="manifest.webmanifest">' in home and "static/js/offline.js" in home
    search = (out / "search.html").read_text(encoding="utf-8")
    assert 'data-offline-index="search/head.json"' in search and "js/vendor/snowball.js" in search
    head = json.loads((out / "search/head.json").read_text())
    assert {"en", "ru"} <= set(head["terms"]) and head["docs"] == len(list((out / "dm").glob("*_*.html")))
    for lang in ("en", "ru"):  # every term shard the head names is in the bundle, and no other
        assert sorted(name for _, name in head["terms"][lang]) == sorted(p.name for p in (out / "search").glob(f"{lang}-*.json"))


def test_cgm_illustrations_are_converted(bike_bundle: Path, bike: Path):
    svgs = sorted((bike_bundle / "icn").glob("*.CGM.svg"))
    assert svgs and not list((bike_bundle / "icn").glob("*.CGM"))
    for svg in svgs:
        head = svg.read_bytes()[:200].lstrip()
        assert head.startswith((b"<svg", b"<?xml")), svg.name
    ipd = (bike_bundle / "dm" / "S1000DBIKE-AAA-D00-00-00-01AA-941A-D_en-US.html").read_text(encoding="utf-8")
    assert 'src="../icn/ICN-C0419-S1000D0361-001-01.CGM.svg"' in ipd


def test_refuses_a_csdb_that_fails_the_gate(bike: Path, tmp_path: Path):
    out = tmp_path / "bundle"
    r = ietm("publish", bike, "-o", out)
    assert r.code == 6
    assert r.err.startswith("ERROR:") and "fails `ietm check`" in r.err and "--allow-errors" in r.err
    assert not out.exists() and not list(tmp_path.glob(".bundle.building-*"))


def test_bundle_inside_the_csdb_is_refused(bike_copy: Path):
    r = ietm("publish", bike_copy, "-o", bike_copy / "dist", "--allow-errors")
    assert r.code == 3 and "must not be inside the CSDB" in r.err and not (bike_copy / "dist").exists()


def test_does_not_overwrite_a_folder_that_is_not_a_bundle(content: Path, tmp_path: Path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.txt").write_text("keep me")
    r = ietm("publish", content, "-o", out, "--allow-errors")
    assert r.code == 6 and "holds no published bundle" in r.err
    assert (out / "thesis.txt").read_text() == "keep me"


def test_republishing_replaces_the_bundle_whole(content: Path, tmp_path: Path):
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    out = tmp_path / "site"
    first = json.loads(ietm("publish", csdb, "-o", out, "--allow-errors", "--format", "json").out)
    (out / "stray.txt").write_text("left by hand")
    module = csdb / "DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_en-US.XML"
    module.write_text(module.read_text(encoding="utf-8").replace("</para>", " Zirconwash.</para>", 1), encoding="utf-8")
    second = json.loads(ietm("publish", csdb, "-o", out, "--allow-errors", "--format", "json").out)
    assert second["release"] != first["release"]
    assert not (out / "stray.txt").exists()
    assert "Zirconwash" in (out / "dm" / "DGEN-A-D10-00-00-00A-040A-A_en-US.html").read_text(encoding="utf-8")
    assert "zirconwash" in _offline_words(out, "en")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csdb", "site"]  # no build or old folders left


def test_text_files_are_precompressed_and_listed(manual):
    """Every text file is also written as .gz and .br (for web servers and the service worker), byte for byte
    the same when unpacked, and listed in the manifest like any file; images are not."""
    import gzip

    import brotli

    out, _ = manual
    listed = json.loads((out / "manifest.json").read_text())["files"]
    page = "dm/DGEN-A-D10-00-00-00A-040A-A_ru-RU.html"
    for rel in (page, "index.html", "search/head.json", "static/js/app.js", "static/css/ietm.css"):
        data = (out / rel).read_bytes()
        assert gzip.decompress((out / f"{rel}.gz").read_bytes()) == data, rel
        assert brotli.decompress((out / f"{rel}.br").read_bytes()) == data, rel
        assert {rel, f"{rel}.gz", f"{rel}.br"} <= set(listed)
    assert (out / f"{page}.gz").stat().st_size < (out / page).stat().st_size / 3
    assert not [p for p in out.rglob("*.png.gz")]
    assert (out / f"{page}.gz").read_bytes()[4:8] == b"\0\0\0\0"  # no time stamp: the same page, the same bytes


def test_a_web_server_can_read_every_file(manual):
    """Files are written through temporary files (never half-written, even by two workers at once), but not
    kept private as temporary files are: a web server running as another user serves the bundle."""
    import stat

    out, result = manual
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == result["files"] + 1  # and the manifest; no temporary file left behind
    unreadable = [p for p in files if not p.stat().st_mode & stat.S_IROTH]
    assert unreadable == []
    assert out.stat().st_mode & stat.S_IXOTH and (out / "dm").stat().st_mode & stat.S_IXOTH
    assert result["phases"]["pages"] > 0  # where the time went, for bench/bench_publish.py


def test_words_and_product_table_are_shared_not_repeated(manual):
    """The interface's words and the product table are one cached script each, not inline in every page; the
    page's scripts find them where a served page has them (script#ietm-strings, script#ietm-applic)."""
    out, _ = manual
    pages = [p for p in (out / "dm").glob("*.html") if p.name != "index.html"]
    scripts = set()
    for p in pages:
        html = p.read_text(encoding="utf-8")
        assert 'id="ietm-strings"' not in html
        scripts |= set(re.findall(r'<script src="\.\./(shared/[^"]+)"', html))
    strings = [s for s in scripts if s.startswith("shared/strings-ru-")]
    assert len(strings) == 1 and len(scripts) < len(pages)
    text = (out / strings[0]).read_text(encoding="utf-8")
    assert '"ietm-strings"' in text and "Руководства" in text and "document.currentScript" in text


def test_republishing_in_another_language_leaves_no_stale_shared_script(content: Path, tmp_path: Path):
    """The words every page loads are one shared script per language; a bundle published again in another
    language carries only the new one (the device would keep both otherwise)."""
    out = tmp_path / "site"
    for lang in ("ru", "en"):
        r = ietm("publish", content, "-o", out, "--allow-errors", "--lang", lang, "--format", "json")
        assert r.code == 0, r.err
    shared = sorted(p.name for p in (out / "shared").glob("strings-*.js"))
    assert len(shared) == 1 and shared[0].startswith("strings-en-")
    assert verify(out) == []


def test_a_bundle_is_russian_unless_the_csdb_or_the_command_says_otherwise(content: Path, tmp_path: Path):
    """Most users are Russian: without --lang the bundle's interface is Russian; `[serve] language = "en"` in the
    CSDB's ietm.toml makes it English, and --lang wins over the setting."""
    csdb = tmp_path / "csdb"
    csdb.mkdir()
    for f in content.glob("DMC-DGEN-A-D00-00-00-00A-001A-A_*.XML"):  # one module, in Russian and in English
        shutil.copy(f, csdb)

    def home(name: str, *args: str) -> str:
        r = ietm("publish", csdb, "-o", tmp_path / name, "--allow-errors", *args)
        assert r.code == 0, r.err
        return (tmp_path / name / "index.html").read_text(encoding="utf-8")

    default = home("default")
    assert '<html lang="ru"' in default and "Публикации" in default and "Publications" not in default
    (csdb / "ietm.toml").write_text('[serve]\nlanguage = "en"\n', encoding="utf-8")
    english = home("english")
    assert '<html lang="en"' in english and "Publications" in english and "Публикации" not in english
    assert '<html lang="ru"' in home("asked", "--lang", "ru")


def _inodes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in folder.glob("*.json")}


def test_a_page_is_written_beside_the_previous_bundles_file_never_through_it(tmp_path: Path):
    """A build folder starts as hard links to the previous bundle; a page written again (straight into the
    build folder, without a temporary file) gets a file of its own, and the previous bundle's stays as it was."""
    import gzip
    import os

    from ietm.publish.files import write_page
    from ietm.publish.manifest import file_digest

    old, build = tmp_path / "old", tmp_path / "build"
    first = write_page(old, "dm/a.html", b"<p>first</p>" * 40)
    (build / "dm").mkdir(parents=True)
    for rel in first:
        os.link(old / rel, build / rel)
    again = write_page(build, "dm/a.html", b"<p>again</p>" * 40)
    assert sorted(again) == sorted(first) == ["dm/a.html", "dm/a.html.br", "dm/a.html.gz"]
    assert (old / "dm/a.html").read_bytes() == b"<p>first</p>" * 40
    assert gzip.decompress((old / "dm/a.html.gz").read_bytes()) == b"<p>first</p>" * 40
    assert gzip.decompress((build / "dm/a.html.gz").read_bytes()) == b"<p>again</p>" * 40
    assert all(file_digest(build / rel) == entry["sha256"] for rel, entry in again.items())  # the manifest's entries
    assert (build / "dm/a.html").stat().st_mode & 0o777 == 0o644  # readable by a web server's user
    write_page(build, "pm/b.html", b"<p>x</p>")  # a folder made as its first page needs it; too small to pack
    assert sorted(p.name for p in (build / "pm").iterdir()) == ["b.html"]


def _offline_words(bundle: Path, lang: str) -> set[str]:
    """The words of a bundle's offline index, from all of its term shards."""
    return {w for shard in (bundle / "search").glob(f"{lang}-*.json")
            for w in json.loads(shard.read_text(encoding="utf-8"))["words"][0::2]}


def test_republishing_renders_only_what_a_change_touches(content: Path, tmp_path: Path):
    """After one module changed, publishing again renders its page and the pages that link to it (contents,
    list of modules, neighbours), reuses every other file, and gives the bundle a whole build would give."""
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    with open(csdb / "ietm.toml", "a", encoding="utf-8") as f:  # an English interface: it lists the English titles
        f.write('\n[serve]\nlanguage = "en"\n')
    out = tmp_path / "site"
    first = json.loads(ietm("publish", csdb, "-o", out, "--allow-errors", "--format", "json").out)
    assert first["rendered"] == first["pages"] and not first["incremental"]
    search = _inodes(out / "search")
    again = json.loads(ietm("publish", csdb, "-o", out, "--allow-errors", "--format", "json").out)
    assert again["rendered"] == 0 and again["incremental"] and again["release"] == first["release"]
    assert _inodes(out / "search") == search  # nothing to search anew: not made again

    page = out / "dm" / "DGEN-A-D10-00-00-00A-040A-A_en-US.html"
    untouched = out / "dm" / "DGEN-A-D00-00-00-00A-005A-A_ru-RU.html"
    inode = untouched.stat().st_ino
    module = csdb / "DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_en-US.XML"
    module.write_text(module.read_text(encoding="utf-8").replace("</para>", " Zirconwash.</para>", 1), encoding="utf-8")
    listing = out / "dm" / "index.html"  # the list of all modules shows their titles and issues, not their text
    listing_inode = listing.stat().st_ino
    third = json.loads(ietm("publish", csdb, "-o", out, "--allow-errors", "--format", "json").out)
    assert third["incremental"] and 1 <= third["rendered"] < first["pages"] / 3
    assert "Zirconwash" in page.read_text(encoding="utf-8")
    assert untouched.stat().st_ino == inode and listing.stat().st_ino == listing_inode  # not written again
    assert verify(out) == []
    # the offline index: the shard of the new word written (and the head, had a length or count changed), the
    # others kept
    rewritten = {name for name, ino in _inodes(out / "search").items() if search.get(name) != ino}
    assert 1 <= len(rewritten) <= 3 < len(search) and all(n.startswith(("en-", "head")) for n in rewritten), rewritten
    assert "zirconwash" in _offline_words(out, "en")

    whole = tmp_path / "whole"
    r = json.loads(ietm("publish", csdb, "-o", whole, "--allow-errors", "--format", "json").out)
    assert r["release"] == third["release"]  # the same files, byte for byte

    # a new title is on the list of all modules
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace("<techName>", "<techName>Renamed ", 1), encoding="utf-8")
    fourth = json.loads(ietm("publish", csdb, "-o", out, "--allow-errors", "--format", "json").out)
    assert fourth["incremental"] and "Renamed " in listing.read_text(encoding="utf-8")
    shutil.rmtree(whole)
    r = json.loads(ietm("publish", csdb, "-o", whole, "--allow-errors", "--format", "json").out)
    assert r["release"] == fourth["release"]
    assert sorted(p for p in tmp_path.iterdir()) == [csdb, out, whole]


def test_publications_are_rendered_however_fast_the_module_pages_were(content: Path, tmp_path: Path):
    """Publication pages are handed out once the module pages are nearly done; when every module page is
    already done at the first look, they are still rendered (a whole build once left pm/ empty that way)."""
    from concurrent.futures import Future, ThreadPoolExecutor

    from ietm.publish.links import Plan
    from ietm.publish.pages import _pages_then_publications, init_worker, jobs_of
    from ietm.web.site import Site

    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    site = Site(csdb)
    plan = Plan.of(site, "en")
    pubs = [job for job in jobs_of(site, plan) if job[0] == "pm"]
    assert pubs
    init_worker(str(csdb), str(tmp_path / "out"), "en", site, plan)
    finished = set()
    for _ in range(3):  # more chunks of module pages than workers, all done before the first look
        future: Future = Future()
        future.set_result([])
        finished.add(future)
    with ThreadPoolExecutor(1) as pool:
        done = [page[0] for chunk in _pages_then_publications(pool, finished, pubs, 2, site, {}) for page in chunk]
    assert sorted(done) == sorted(job[1] for job in pubs)
    assert all((tmp_path / "out" / job[1]).is_file() for job in pubs)


def test_a_step_failing_while_the_pages_render_leaves_nothing_behind(content: Path, tmp_path: Path, monkeypatch):
    """The search index is updated while the workers render the pages: when that fails, the publish fails with
    its error (the workers' queued pages dropped), and no build folder or bundle is left."""
    from ietm.errors import InputError
    from ietm.index.store import SearchIndex
    from ietm.publish.bundle import publish

    def broken(self, **kwargs):
        raise InputError("index folder damaged", str(self.folder))

    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    monkeypatch.setattr(SearchIndex, "update", broken)
    with pytest.raises(InputError, match="index folder damaged"):
        publish(csdb, tmp_path / "site", allow_errors=True, jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csdb"]


def test_a_removed_tree_leaves_what_its_links_point_to(tmp_path: Path):
    """An old bundle or spare tree is removed by several threads: every file and folder goes, however deep and
    however many (more than one thread's share), and a symbolic link is removed, not followed."""
    from ietm.publish.files import remove_tree

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kept.txt").write_text("mine")
    old = tmp_path / "old"
    for i in range(300):
        folder = old / "dm" / f"d{i % 7}" / "deep"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"p{i}.html").write_text("page")
    (old / "link").symlink_to(outside)
    (old / "dm" / "file-link.txt").symlink_to(outside / "kept.txt")
    remove_tree(old)
    assert not old.exists()
    assert (outside / "kept.txt").read_text() == "mine"
