"""A write taken by one worker reaches the others without their reading the whole CSDB again (issue 15): the
change log names the objects that changed, and a worker re-reads those only (`Site.update`), ending with the
same model a full read gives."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

import httpx
import pytest

from ietm.catalog import Catalog
from ietm.paths import state_dir
from ietm.web.derived import FILE as DERIVED
from ietm.web.app import create_app
from ietm.web.changes import refresh
from ietm.web.site import Site

MODULE = "DMC-DGEN-A-D10-10-00-00A-040A-A"


@pytest.fixture
def csdb(content: Path, tmp_path: Path) -> Path:
    root = tmp_path / "csdb"
    shutil.copytree(content, root, ignore=shutil.ignore_patterns(".ietm"))
    return root


def _model(site: Site) -> dict:
    """What pages are built from, in a form two sites can be compared by."""
    def toc(entry) -> tuple:
        return (getattr(entry, "title", ""), getattr(entry, "key", None), getattr(entry, "issue", None),
                tuple(toc(c) for c in getattr(entry, "children", [])))

    return {
        "copies": {k: [(o.path, o.issue, o.language, o.title, o.qa) for o in found] for k, found in site.copies.items()},
        "latest": {k: o.path for k, o in site.latest.items()},
        "titles": site.titles,
        "titles_in": site._titles_in,
        "icns": site.icns,
        "icn_stems": site.icn_stems,
        "publications": {k: (p.obj.path, toc(p.toc), [(i.key, tuple(t)) for i, t in p.order])
                         for k, p in site.publications.items()},
        "publication_copies": {path: toc(p.toc) for path, p in site._publication_copies.items()},
        "repositories": {lang: sorted(entries) for lang, entries in site._repository_entries.items()},
    }


def _new_issue(csdb: Path, n: int, title: str | None = None, module: str = MODULE) -> Path:
    src = next(csdb.glob(f"{module}_001-00_*.XML"))
    data = re.sub(r'issueNumber="\d{3}"', f'issueNumber="{n:03d}"', src.read_text(encoding="utf-8"), count=1)
    if title:
        data = re.sub(r"<techName>[^<]*</techName>", f"<techName>{title}</techName>", data, count=1)
    path = src.with_name(src.name.replace("_001-00_", f"_{n:03d}-00_"))
    path.write_text(data.replace('issueType="new"', 'issueType="changed"', 1), encoding="utf-8")
    return path


def test_an_update_ends_with_the_model_a_full_read_gives(csdb: Path):
    site = Site(csdb)
    listed = next(k for k, p in site.publications.items() for item, _ in p.order if item.key == MODULE)
    dropped = next(item.key for item, _ in site.publications[listed].order if item.key != MODULE)
    _new_issue(csdb, 4, "Renamed filter element")  # a new issue, retitled: the publications listing it follow
    for p in csdb.glob(f"{dropped}_*.XML"):  # a module a publication lists, removed
        p.unlink()
    icn = next(p for p in csdb.glob("ICN-*") if p.suffix.lower() in (".svg", ".png", ".cgm"))
    shutil.copy(icn, icn.with_name("ICN-DGEN-A-000000-A-00000-00001-A-01-1" + icn.suffix))  # a new illustration
    scan = site.catalog.refresh()
    assert MODULE in scan.changed and dropped in scan.changed and len(scan.changed) == 3
    site.update(scan.changed)
    assert _model(site) == _model(Site(csdb))
    assert site.titles[MODULE].startswith("Renamed filter element") and dropped not in site.copies


def test_a_write_to_one_module_renders_again_only_the_pages_that_show_it(csdb: Path):
    """A new issue of one module, its title the same, changes its own page and those that refer to it (a link
    that pins its first issue now says so); every other page a server keeps stays kept (at 10,000 modules a write
    made every worker render every page again). Whatever a worker answers is what a fresh server renders."""
    from ietm.web.links import ServerLinks
    from ietm.web.pages import Pages

    referrer = "DMC-DGEN-A-D10-00-00-00A-040A-A"  # its link to MODULE pins issue 001 here
    ref = ('systemCode="D10" subSystemCode="1" subSubSystemCode="0" assyCode="00" disassyCode="00" '
           'disassyCodeVariant="A" infoCode="040" infoCodeVariant="A" itemLocationCode="A"/>')
    for path in csdb.glob(f"{referrer}_*.XML"):
        text = path.read_text(encoding="utf-8")
        assert ref + "</dmRefIdent>" in text
        path.write_text(text.replace(ref + "</dmRefIdent>", ref + '<issueInfo issueNumber="001" inWork="00"/></dmRefIdent>'),
                        encoding="utf-8")
    site = Site(csdb)
    pages = Pages(site, keep_pages_mb=64)
    keys = sorted(k for k, o in site.latest.items() if o.kind == "dm")

    def every_page(pages: Pages) -> dict[tuple[str, str], str]:
        return {(k, lang): pages.data_module(k, None, None, None, ServerLinks(pages.site), lang)
                for k in keys for lang in ("ru", "en")}

    def fresh() -> dict[tuple[str, str], str]:
        return every_page(Pages(Site(csdb), keep_pages_mb=64))

    before = every_page(pages)
    assert every_page(pages) == before  # kept
    _new_issue(csdb, 2)
    site.update(site.catalog.refresh().changed)
    after = every_page(pages)
    assert after == fresh()
    changed = {k for k, _ in after if after[k, "ru"] != before[k, "ru"]}
    assert changed == {MODULE, referrer}
    pinned = f'href="/dm/{MODULE[4:]}?issue=001-00"'  # the issue it pins is no longer the latest
    assert pinned in after[referrer, "ru"] and pinned not in before[referrer, "ru"]
    rendered = {k for k, _ in after if after[k, "ru"] is not before[k, "ru"]}
    assert len(rendered) < len(keys) / 2, f"{len(rendered)} of {len(keys)} pages rendered again"

    # a title changed: every page that lists or links the module may show it; all are rendered again
    _new_issue(csdb, 3, "Renamed filter element")
    site.update(site.catalog.refresh().changed)
    again = every_page(pages)
    assert again == fresh()
    assert not any(again[k] is after[k] for k in again)


def test_a_module_classified_higher_is_hidden_from_the_next_request(csdb: Path):
    """The modules above a reader's clearance follow a write (worked out from what changed, not from every copy
    again): a new issue classified 02 hides the module from readers of clearance 01, as a fresh start would."""
    site = Site(csdb)
    assert MODULE not in site.hidden("01") and site.hidden("01") == Site(csdb).hidden("01")
    secret = _new_issue(csdb, 2)
    secret.write_text(secret.read_text(encoding="utf-8").replace('securityClassification="01"',
                                                                  'securityClassification="02"', 1), encoding="utf-8")
    site.update(site.catalog.refresh().changed)
    assert MODULE in site.hidden("01") and MODULE not in site.hidden("02")
    assert site.hidden("01") == Site(csdb).hidden("01") and isinstance(site.hidden("01"), frozenset)


def test_an_upload_is_checked_against_the_brex_as_it_is_now(csdb: Path):
    """The server's checks of an upload (schemas compiled, BREX read, the CSDB's files listed: about 0.8 s of CPU
    at 100,000 modules) are kept across writes of ordinary modules, and built again when a BREX module changes."""
    from ietm.web.changes import checks

    app = create_app(csdb)
    try:
        module = next(csdb.glob(f"{MODULE}_001-00_en-US.XML"))
        kept = checks(app)
        assert not [f for f in kept(module) if f.severity == "error"]
        refresh(app, [_new_issue(csdb, 2)])
        assert checks(app) is kept

        brex = next(csdb.glob("DMC-DGEN-A-D00-00-00-00A-022A-D_001-00_en-US.XML"))
        rule = ('<structureObjectRule><objectPath allowedObjectFlag="0">//dmCode[@modelIdentCode = \'DGEN\']'
                '</objectPath><objectUse>No module of this project may be issued.</objectUse></structureObjectRule>')
        text = brex.read_text(encoding="utf-8").replace("<structureObjectRuleGroup>",
                                                       "<structureObjectRuleGroup>" + rule, 1)
        text = re.sub(r'issueNumber="001"', 'issueNumber="002"', text, count=1)
        stricter = brex.with_name(brex.name.replace("_001-00_", "_002-00_"))
        stricter.write_text(text.replace('issueType="new"', 'issueType="changed"', 1), encoding="utf-8")
        refresh(app, [stricter])
        assert any("No module of this project may be issued" in f.message for f in checks(app)(module))
    finally:
        app.state.db.dispose()


def test_a_worker_takes_in_another_workers_write_reading_only_what_changed(csdb: Path):
    """Two workers of one server (two apps on one CSDB and one server database): one takes a new issue in; the
    other serves it at its next request, having read from the catalog only the copies of that module."""
    writer, reader = create_app(csdb), create_app(csdb)
    try:
        assert _issue_served(reader) == "001-00"
        site = reader.state.site
        read: list[str] = []
        original = site.catalog.objects

        def counted(*args, **kwargs):  # the objects this worker reads from the catalog
            found = original(*args, **kwargs)
            read.extend(o.path for o in found)
            return found

        site.catalog.objects = counted
        refresh(writer, [_new_issue(csdb, 5)])
        generation = site.generation
        assert _issue_served(reader) == "005-00"
        assert site.generation == generation + 1
        total = sum(len(found) for found in site.copies.values())
        assert read and all(Path(p).name.startswith(MODULE) for p in read), read
        assert len(read) < total / 10, f"read {len(read)} of {total} objects"
    finally:
        for app in (writer, reader):
            app.state.db.dispose()


def test_a_file_a_command_took_in_first_still_reaches_every_worker(csdb: Path):
    """The watcher names a file a writer saved, but `ietm validate` refreshed the catalog before the watcher's
    rescan: both workers still serve the new issue (the rescan alone finds nothing changed)."""
    writer, reader = create_app(csdb), create_app(csdb)
    try:
        assert _issue_served(writer) == _issue_served(reader) == "001-00"
        saved = _new_issue(csdb, 6)
        catalog = Catalog.open(csdb)
        try:
            catalog.refresh()
        finally:
            catalog.close()
        refresh(writer, [saved])
        assert _issue_served(writer) == "006-00"
        assert _issue_served(reader) == "006-00"
    finally:
        for app in (writer, reader):
            app.state.db.dispose()


def _issue_served(app) -> str:
    """The issue of the module a request to this worker is answered with (through its middleware, as served)."""
    async def ask() -> str:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker") as client:
            return (await client.get(f"/api/dm/{MODULE[4:]}")).json()["issue"]

    return asyncio.run(ask())


def test_a_worker_that_searched_finds_another_workers_write_at_its_next_search(csdb: Path):
    from ietm.web.searching import SearchService

    writer, reader = create_app(csdb), create_app(csdb)
    try:
        reader.state.search = SearchService(csdb)
        assert reader.state.search.search(text="quokka").total == 0
        refresh(writer, [_new_issue(csdb, 6, "Quokka filter element")])
        _issue_served(reader)  # its next request of any kind takes the change in; the index waits for a search
        hits = reader.state.search.search(text="quokka")
        assert hits.total == 1 and hits.hits[0].key == MODULE
    finally:
        for app in (writer, reader):
            app.state.db.dispose()


def test_applicability_read_while_a_change_is_taken_in_is_read_again(csdb: Path, monkeypatch):
    """A page reads the CSDB's applicability tables on first use; a save of a table taken in on another thread
    meanwhile (the site's model swapped) must not leave the tables as they were read: the next use reads again."""
    import ietm.applic.csdb

    site = Site(csdb)
    pct = csdb / "DMC-DGEN-A-D00-00-00-00A-00PA-D_001-00_ru-RU.XML"  # read last: its products are the ones kept
    load = ietm.applic.csdb.load

    def save_meanwhile(path, *args):
        doc = load(path, *args)
        if Path(path).name == pct.name:
            monkeypatch.setattr(ietm.applic.csdb, "load", load)
            pct.write_text(pct.read_text(encoding="utf-8").replace('id="P-003"', 'id="P-009"'), encoding="utf-8")
            site.update(site.catalog.refresh().changed)
        return doc

    monkeypatch.setattr(ietm.applic.csdb, "load", save_meanwhile)
    try:
        assert [p.id for p in site.applicability.products()] == ["P-001", "P-002", "P-003"]  # as it was read
        assert [p.id for p in site.applicability.products()] == ["P-001", "P-002", "P-009"]
    finally:
        site.catalog.close()


PM = "PMC-DGEN-DZM01-00001-00_001-00_en-US.XML"
WARNINGS = "DMC-DGEN-A-D00-00-00-00A-0A4A-D_001-00_en-US.XML"


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """A change that leaves size and mtime as they were (as `cp -p` of another version would): only ctime tells."""
    assert len(old.encode()) == len(new.encode())
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _entry_titles(site: Site, key: str) -> list[str]:
    return [e.title for e in site.publications[key].toc.children]


def _warning(site: Site, ident: str) -> str:
    return "".join(site.repository("en-US")("warning", ident).itertext())


def test_what_a_site_keeps_between_starts_never_shows_a_file_as_it_was(csdb: Path):
    """Publication outlines and repository entries are kept in the state folder (ietm.web.derived): a publication
    module changed, added or removed and a repository module changed show at the next start and in a running
    site's update, and either ends with the model of a site that kept nothing."""
    first = Site(csdb)
    kept = state_dir(csdb) / DERIVED
    assert kept.is_file() and "Introduction" in _entry_titles(first, "PMC-DGEN-DZM01-00001-00")
    assert "carbon monoxide" in _warning(first, "WRN-001")

    _same_size_edit(csdb / PM, "<pmEntryTitle>Introduction</pmEntryTitle>", "<pmEntryTitle>Presentation</pmEntryTitle>")
    _same_size_edit(csdb / WARNINGS, "carbon monoxide", "carbon dioxide!")
    second = csdb / "PMC-DGEN-DZM01-00002-00_001-00_en-US.XML"
    added = second.with_name(second.name.replace("00002", "00003"))
    added.write_text(second.read_text(encoding="utf-8").replace('pmNumber="00002"', 'pmNumber="00003"', 1),
                     encoding="utf-8")
    for p in csdb.glob("PMC-DGEN-DZM01-00002-00_*.XML"):
        p.unlink()
    scan = first.catalog.refresh()
    first.update(scan.changed)  # a running server takes the change in
    started = Site(csdb)  # a new process starts from what was kept
    for site in (first, started):
        titles = _entry_titles(site, "PMC-DGEN-DZM01-00001-00")
        assert "Presentation" in titles and "Introduction" not in titles
        assert "carbon dioxide!" in _warning(site, "WRN-001")
        assert "PMC-DGEN-DZM01-00003-00" in site.publications and "PMC-DGEN-DZM01-00002-00" not in site.publications
    kept.unlink()
    fresh = Site(csdb)
    assert _model(first) == _model(started) == _model(fresh)


def test_only_what_this_code_derived_from_the_file_as_it_is_now_is_taken(csdb: Path):
    import marshal

    Site(csdb)
    kept = state_dir(csdb) / DERIVED
    data = marshal.loads(kept.read_bytes())
    path = str(csdb.resolve() / PM)
    kind, stamp, (short, _) = data["entries"][path]
    data["entries"][path] = (kind, stamp, (short, [("entry", "Forged", None, [])]))
    kept.write_bytes(marshal.dumps(data))
    assert _entry_titles(Site(csdb), "PMC-DGEN-DZM01-00001-00") == ["Forged"]  # what is kept is what is shown
    data["code"] = "older code"
    kept.write_bytes(marshal.dumps(data))
    assert "Introduction" in _entry_titles(Site(csdb), "PMC-DGEN-DZM01-00001-00")
    kept.write_bytes(b"not what was kept")
    assert "Introduction" in _entry_titles(Site(csdb), "PMC-DGEN-DZM01-00001-00")
    assert marshal.loads(kept.read_bytes())["entries"][path][2][1][0][0] == "entry"  # kept anew
