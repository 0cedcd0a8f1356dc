"""The CSDB catalog: a real SQLite file over the Bike set, incremental, and honest about broken files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from clirun import ietm
from ietm.catalog import Catalog
from ietm.catalog.db import csdb_files

PROC = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"


def test_catalog_lists_every_bike_object(bike_copy: Path):
    cat = Catalog.open(bike_copy)
    result = cat.refresh()
    assert (result.scanned, result.parsed, result.errors) == (155, 155, 0)
    assert cat.db_path == bike_copy / ".ietm" / "catalog.sqlite" and cat.db_path.is_file()
    assert len(cat.objects(kind="dm")) == 97 and len(cat.objects(kind="pm")) == 4
    assert len(cat.objects(content_type="fault")) == 5
    o = cat.latest("S1000DBIKE-AAA-DA1-10-00-00AA-251A-A")
    assert (o.title, o.issue, o.qa, o.content_type) == ("Brake pads - Clean with rubbing alcohol", "008-00", "first", "procedural")
    # where-used: the Bike BREX is named by the modules of the set
    users = {obj.key for obj, ref in cat.referrers("DMC-S1000DBIKE-AAA-D00-00-00-00AA-022A-D") if ref.kind == "brex"}
    assert "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A" in users and len(users) > 50


def test_refresh_is_incremental_and_knows_issues(bike_copy: Path):
    cat = Catalog.open(bike_copy)
    cat.refresh()
    assert cat.refresh().parsed == 0
    # a new in-work issue of the procedure: the latest issue is now 009-01, 008-00 is old
    text = (bike_copy / PROC).read_text(encoding="utf-8").replace(
        '<issueInfo issueNumber="008" inWork="00"/>', '<issueInfo issueNumber="009" inWork="01"/>', 1
    )
    (bike_copy / PROC.replace("008-00", "009-01")).write_text(text, encoding="utf-8")
    touched = bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-00WA-D_007-00_en-US.XML"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10_000_000))
    (bike_copy / "DML-S1000DBIKE-B6865-S-2016-00002_001-00.XML").unlink()
    result = cat.refresh()
    assert (result.parsed, result.removed) == (2, 1)
    key = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
    assert cat.latest(key).issue == "009-01" and cat.latest(key).in_work
    assert [o.issue for o in cat.objects(key=key, state="old")] == ["008-00"]
    assert cat.issues(key) == [("008-00", "en-US"), ("009-01", "en-US")]
    assert cat.get(key, issue="008-00").issue == "008-00"
    assert not cat.objects(kind="dml")
    # the latest issue removed: the one before is the latest again; every other object's latest copy stays
    (bike_copy / PROC.replace("008-00", "009-01")).unlink()
    assert cat.refresh().changed == {key}
    assert [o.issue for o in cat.objects(key=key, state="latest")] == ["008-00"] and not cat.objects(key=key, state="old")
    every = cat.objects()
    one_each = {(o.key, o.language) for o in every if o.kind != "icn"} | {o.path for o in every if o.kind == "icn"}
    assert len(cat.objects(state="latest")) == len(one_each) > 100


def test_a_refresh_of_named_files_looks_at_those_only(bike_copy: Path):
    """A server's write names the files it wrote: those are taken in, added, changed or removed, as a full refresh
    would, without the rest of the folder being listed (a stat per file: 0.9 s of CPU at 100,000); what changed
    elsewhere waits for the next full refresh."""
    cat = Catalog.open(bike_copy)
    cat.refresh()
    key = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
    text = (bike_copy / PROC).read_text(encoding="utf-8").replace(
        '<issueInfo issueNumber="008" inWork="00"/>', '<issueInfo issueNumber="009" inWork="01"/>', 1)
    new = bike_copy / PROC.replace("008-00", "009-01")
    new.write_text(text, encoding="utf-8")
    gone = bike_copy / "DML-S1000DBIKE-B6865-S-2016-00002_001-00.XML"
    gone.unlink()
    elsewhere = bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-00WA-D_007-00_en-US.XML"
    os.utime(elsewhere, ns=(elsewhere.stat().st_atime_ns, elsewhere.stat().st_mtime_ns + 10_000_000))
    (bike_copy / "notes.txt").write_text("not an object")
    result = cat.refresh(files=[new, gone, bike_copy / "notes.txt", bike_copy / ".ietm" / "catalog.sqlite",
                                bike_copy.parent / "elsewhere.XML"])
    assert (result.scanned, result.parsed, result.removed) == (1, 1, 1)
    assert result.changed == {key, "DML-S1000DBIKE-B6865-S-2016-00002"}
    assert cat.latest(key).issue == "009-01" and [o.issue for o in cat.objects(key=key, state="old")] == ["008-00"]
    assert not cat.objects(kind="dml")
    assert cat.refresh().changed == {"DMC-S1000DBIKE-AAA-D00-00-00-00AA-00WA-D"}  # the full refresh finds the rest
    assert cat.refresh(files=[new]).parsed == 0


def test_a_file_replaced_with_the_same_size_and_mtime_is_read_again(bike_copy: Path):
    """As `cp -p` or `rsync -a` replace a file: another title of the same length, the old mtime put back. Only the
    ctime tells; references are read with the rows, in bulk, as they were written."""
    cat = Catalog.open(bike_copy)
    cat.refresh()
    path = bike_copy / PROC
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "Clean with rubbing alcohol" in text
    path.write_text(text.replace("Clean with rubbing alcohol", "Scrub with rubbing alcohol", 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    result = cat.refresh()
    key = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
    assert (result.parsed, result.changed) == (1, frozenset({key}))
    assert cat.latest(key).title == "Brake pads - Scrub with rubbing alcohol"
    assert cat.refresh().parsed == 0
    every = {o.path: o.refs for o in cat.all(with_refs=True)}
    assert every[str(path)] == cat.latest(key).refs and len(every[str(path)]) > 3
    assert {o.path: o.refs for o in cat.objects(kind="pm", with_refs=True)} == {
        p: refs for p, refs in every.items() if "/PMC-" in p}


def test_unreadable_file_is_recorded_not_fatal(bike_copy: Path):
    (bike_copy / "DMC-BROKEN-A-D00-00-00-00A-040A-A_001-00_en-US.XML").write_text("<dmodule>\n<oops>\n</dmodule>")
    cat = Catalog.open(bike_copy)
    assert cat.refresh().errors == 1
    [(path, error, line)] = cat.errors()
    assert path.endswith("DMC-BROKEN-A-D00-00-00-00A-040A-A_001-00_en-US.XML") and "not well-formed" in error and line == 3


def test_corrupt_catalog_is_rebuilt(bike_copy: Path):
    cat = Catalog.open(bike_copy)
    cat.refresh()
    cat.close()
    for suffix in ("-wal", "-shm"):
        Path(str(cat.db_path) + suffix).unlink(missing_ok=True)
    cat.db_path.write_bytes(b"this is not a database" * 100)
    again = Catalog.open(bike_copy)
    assert again.refresh().parsed == 155


def test_read_only_csdb_keeps_its_catalog_elsewhere(bike: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cat = Catalog.open(bike)  # the shared reference data carries no write bits
    assert str(cat.db_path).startswith(str(tmp_path / "cache"))


def test_ls_filters_and_json(bike_copy: Path):
    r = ietm("ls", bike_copy, "--type", "fault")
    assert r.code == 0 and len(r.out.splitlines()) == 5
    assert "DMC-S1000DBIKE-AAA-DA3-10-00-00AA-411A-A\t008-00\ten-US\tfault\tfirst\tHorn - Isolated fault" in r.out
    rows = json.loads(ietm("ls", bike_copy, "--info-code", "520", "--format", "json").out)
    assert rows and all(row["info_code"].startswith("520") for row in rows)
    assert len(json.loads(ietm("ls", bike_copy, "--kind", "icn", "--format", "json").out)) == 50
    misnamed = [l for l in ietm("ls", bike_copy).out.splitlines() if "misnamed" in l]
    assert len(misnamed) == 1 and misnamed[0].startswith("DDN-")


def test_show_prints_identity_and_references(bike_copy: Path):
    r = ietm("show", "S1000DBIKE-AAA-DA1-10-00-00AA-251A-A", "--csdb", bike_copy, "--format", "json")
    data = json.loads(r.out)
    assert data["code"]["infoCode"] == "251" and data["issue_type"] == "deleted" and data["qa_type"] == "tabtop"
    assert any(ref["kind"] == "brex" for ref in data["refs"])
    missing = ietm("show", "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-999A-A", "--csdb", bike_copy)
    assert missing.code == 5 and "no object DMC-S1000DBIKE-AAA-DA1-10-00-00AA-999A-A" in missing.err
    bad = ietm("show", "not-a-code", "--csdb", bike_copy)
    assert bad.code == 3 and bad.err.count("\n") == 1


def test_refreshes_from_several_threads_take_turns(content, tmp_path):
    """A server refreshes its one catalog from several threads at once (an upload and a remark, say): each must
    succeed and the catalog end up with every file (a second transaction on the shared connection failed with
    'cannot start a transaction within a transaction', and the upload with it)."""
    import shutil
    import threading

    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    catalog = Catalog.open(csdb)
    catalog.refresh()
    module = next(csdb.glob("DMC-*-040A-A_001-00_en-US.XML"))
    text = module.read_text(encoding="utf-8")
    errors: list[str] = []

    def writer(k: int) -> None:
        for i in range(10):
            issue = f"{k * 10 + i + 2:03d}"
            (csdb / module.name.replace("_001-00_", f"_{issue}-00_")).write_text(
                text.replace('issueNumber="001"', f'issueNumber="{issue}"', 1), encoding="utf-8")
            try:
                catalog.refresh()
            except Exception as exc:  # noqa: BLE001 - what the test looks for
                errors.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(k,), daemon=True) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    catalog.refresh()
    assert {Path(o.path).name for o in catalog.all(with_refs=False)} == {p.name for p in csdb_files(csdb)}


def test_a_reader_never_sees_a_refresh_half_done(bike_copy: Path, monkeypatch):
    """A server reads its catalog on request threads while a save refreshes it on another: a reader sees the
    catalog as it was before the refresh or as it is after, never the refresh's transaction half-written (it
    shared the connection: a changed module, deleted and inserted again, was not the latest of its key until
    the transaction's end, so a page's applicability read then had no tables). The reader here runs at the
    worst moment: after the changed rows are written, before they are marked latest."""
    import threading

    cat = Catalog.open(bike_copy)
    cat.refresh()
    key = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"

    def latest() -> list[tuple[str, str]]:
        return [(Path(o.path).name, o.issue) for o in cat.objects(key=key, state="latest")]

    before = latest()
    assert before == [(PROC, "008-00")]
    touched = bike_copy / PROC
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10_000_000))
    seen: list[object] = []
    mark_latest = cat._mark_latest

    def reader_meanwhile(keys: set[str]) -> None:
        def read() -> None:
            try:
                seen.append((latest(), len(cat.objects(kind="dm", state="latest"))))
            except Exception as exc:  # noqa: BLE001 - what the test looks for
                seen.append(repr(exc))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(120)
        seen.append("reader done" if not reader.is_alive() else "reader still waiting")
        mark_latest(keys)

    monkeypatch.setattr(cat, "_mark_latest", reader_meanwhile)
    assert cat.refresh().parsed == 1
    assert seen == [(before, 97), "reader done"]
    assert latest() == before and len(cat.objects(kind="dm", state="latest")) == 97
