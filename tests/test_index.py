"""The full-text index: what it records of each module, incremental updates, and rebuilding a broken cache."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ietm.catalog import Catalog
from ietm.index.analysis import analyzer, stem
from ietm.index.offline import build_offline_index
from ietm.index.search import Searching
from ietm.index.store import SearchIndex

PADS = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"
FORK_STORM = "DMC-S1000DBIKE-AAA-D00-00-01-00AA-720A-A"  # "Mountain bicycle and Mountain storm Mk1"
FORK_TREKKER = "DMC-S1000DBIKE-AAA-D00-00-01-00AB-720A-A"  # "Mountain bicycle and Brook trekker Mk9"


def _keys(ix: SearchIndex, text: str, **kw) -> list[str]:
    with Searching(ix.open()) as s:
        return [h.key for h in s.search(text, limit=100, **kw).hits]


def _new_issue(old: Path, new: Path) -> None:
    """Issue 009 of a module, saying 'zirconwash' where 008 says 'rubbing alcohol'."""
    text = old.read_text(encoding="utf-8").replace('issueNumber="008"', 'issueNumber="009"')
    new.write_text(re.sub("rubbing alcohol", "zirconwash", text, flags=re.IGNORECASE), encoding="utf-8")


def _stored(ix: SearchIndex, key: str) -> dict:
    with ix.open().searcher() as s:
        return s.document(key=key)


def test_analysis_stems_and_folds_both_languages():
    assert stem("двигателя", "ru") == stem("двигатель", "ru")
    assert stem("filters", "en") == stem("filter", "en")
    assert [t.text for t in analyzer("ru")("Ёмкость БАКА, 0.5 л")] == [stem("емкость", "ru"), stem("бак", "ru"), "0.5", "л"]
    assert [t.text for t in analyzer("en")("Filters' O-rings")] == ["filter", "o", "ring"]


def test_index_records_every_latest_module_of_bike(bike: Path, tmp_path: Path):
    ix = SearchIndex(bike, folder=tmp_path / "ix")
    result = ix.update()
    catalog = Catalog.open(bike)
    latest = catalog.objects(kind="dm", state="latest")
    assert result.rebuilt and result.total == len(latest) == 97 and not result.errors
    pads = _stored(ix, "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A")
    assert pads["title"] == "Brake pads - Clean with rubbing alcohol"
    assert (pads["type"], pads["system"], pads["subsystem"], pads["info_code"]) == ("procedural", "DA1", "DA1-10", "251A")
    assert (pads["issue"], pads["qa"], pads["lang"], pads["language"]) == ("008-00", "first", "en", "en-US")
    assert "Rubbing alcohol" in pads["body"]
    # applicability: the three products of the Bike PCT, by serial number, as the module's applic allows them
    assert _stored(ix, FORK_STORM)["products"] == "1B070701"
    assert _stored(ix, FORK_TREKKER)["products"] == "1B070643,1B070644"
    assert _stored(ix, "DMC-BRAKE-AAA-DA1-10-00-00AA-251A-A")["products"] == "*"  # the brake ACT has no PCT


def test_update_reindexes_only_the_changed_module(bike_copy: Path, tmp_path: Path):
    ix = SearchIndex(bike_copy, folder=tmp_path / "ix")
    assert ix.update().indexed == 97
    files = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "ix").iterdir()}
    again = ix.update()
    assert (again.indexed, again.removed, again.rebuilt) == (0, 0, False)
    # nothing written: no empty segment, no new generation (a publish compares the index's state, not its files)
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "ix").iterdir()} == files

    path = bike_copy / PADS
    text = path.read_text(encoding="utf-8")
    assert "rubbing alcohol" in text
    path.write_text(re.sub("rubbing alcohol", "isopropanol solvent", text, flags=re.IGNORECASE), encoding="utf-8")
    changed = ix.update()
    assert (changed.indexed, changed.removed, changed.rebuilt, changed.total) == (1, 0, False, 97)
    assert _keys(ix, "isopropanol") == ["DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"]
    assert "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A" not in _keys(ix, '"rubbing alcohol"')

    path.unlink()
    gone = ix.update()
    assert (gone.indexed, gone.removed, gone.total) == (0, 1, 96)
    assert _keys(ix, "isopropanol") == []


def test_new_issue_replaces_the_old_one(bike_copy: Path, tmp_path: Path):
    ix = SearchIndex(bike_copy, folder=tmp_path / "ix")
    ix.update()
    old = bike_copy / PADS
    new = bike_copy / PADS.replace("_008-00_", "_009-00_")
    _new_issue(old, new)
    result = ix.update()
    assert (result.indexed, result.removed, result.total) == (1, 1, 97)
    assert _stored(ix, "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A")["issue"] == "009-00"
    assert _keys(ix, "zirconwash") == ["DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"]


def test_all_issues_keeps_old_issues_out_of_default_search(bike_copy: Path, tmp_path: Path):
    old = bike_copy / PADS
    new = bike_copy / PADS.replace("_008-00_", "_009-00_")
    _new_issue(old, new)
    ix = SearchIndex(bike_copy, folder=tmp_path / "ix")
    assert ix.update(all_issues=True).total == 98
    key = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
    assert _keys(ix, "zirconwash") == [key]  # the latest issue
    assert key not in _keys(ix, '"rubbing alcohol"')  # what only issue 008 still says
    assert key in _keys(ix, '"rubbing alcohol"', all_issues=True)


@pytest.mark.parametrize("damage", ["toc", "segment", "state", "folder"])
def test_broken_index_is_rebuilt_not_trusted(bike_copy: Path, tmp_path: Path, damage: str):
    folder = tmp_path / "ix"
    ix = SearchIndex(bike_copy, folder=folder)
    ix.update()
    if damage == "toc":
        for toc in folder.glob("_MAIN_*.toc"):
            toc.write_bytes(b"\x00garbage")
    elif damage == "segment":
        segment = [f for f in folder.glob("MAIN_*") if f.name != "MAIN_WRITELOCK"]  # its terms, postings, columns
        assert segment
        for part in segment:
            part.write_bytes(part.read_bytes()[:100])
    elif damage == "state":
        state = json.loads((folder / "state.json").read_text())
        state["docs"].pop(next(iter(state["docs"])))  # the index and its record disagree
        (folder / "state.json").write_text(json.dumps(state))
    else:
        shutil.rmtree(folder)
    fresh = SearchIndex(bike_copy, folder=folder)
    result = fresh.update()
    assert result.rebuilt and result.total == 97
    assert "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A" in _keys(fresh, "rubbing alcohol")


def test_an_index_made_by_other_code_is_rebuilt(bike_copy: Path, tmp_path: Path):
    """After an upgrade of ietm, no file changed, but what the old code indexed is not what this code would."""
    folder = tmp_path / "ix"
    SearchIndex(bike_copy, folder=folder).update()
    state = json.loads((folder / "state.json").read_text())
    state["version"] = 4  # as the index format's number alone said before
    (folder / "state.json").write_text(json.dumps(state))
    result = SearchIndex(bike_copy, folder=folder).update()
    assert result.rebuilt and result.total == 97
    assert not SearchIndex(bike_copy, folder=folder).update().rebuilt


def _scores(ix: SearchIndex, queries: list[str]) -> dict[str, list[tuple[str, float]]]:
    with Searching(ix.open()) as s:
        return {q: [(h.key, round(h.score, 6)) for h in s.search(q, limit=20).hits] for q in queries}


def test_an_updated_index_ranks_as_a_fresh_index(bike_copy: Path, tmp_path: Path):
    """An index updated in place (old documents deleted, not merged away) ranks as one built fresh from the same
    files, with the same scores, without being rebuilt: a bundle's search is exported from it."""
    queries = ["brake", "tire pressure", "clean", "chain lubricate", "brak*", '"brake pads"', "title:brake"]
    ix = SearchIndex(bike_copy, folder=tmp_path / "ix")
    ix.update()
    for path in sorted(bike_copy.glob("DMC-S1000DBIKE-AAA-DA*_en-US.XML"))[:12]:  # re-worded: old documents deleted
        path.write_text(path.read_text(encoding="utf-8").replace("brake", "brake brake"), encoding="utf-8")
    (bike_copy / PADS).unlink()  # removed: its document deleted
    result = ix.update()
    assert (result.indexed, result.removed, result.rebuilt) == (12, 1, False)
    with ix.open().searcher() as s:
        assert s.reader().has_deletions()  # Whoosh's own statistics still count the old documents
    fresh_ix = SearchIndex(bike_copy, folder=tmp_path / "fresh")
    fresh = _scores(fresh_ix, queries)
    assert all(fresh[q] for q in queries)
    assert _scores(ix, queries) == fresh
    # and a bundle's offline index exported from it is the one a fresh index gives, file for file, byte for byte
    def url_of(fields: dict) -> str:
        return f"dm/{fields['key']}.html"

    offline = build_offline_index(ix.open(), url_of)
    assert len(offline) > 4 and offline == build_offline_index(fresh_ix.open(), url_of)


def test_unreadable_module_is_reported_and_skipped(bike_copy: Path, tmp_path: Path):
    ix = SearchIndex(bike_copy, folder=tmp_path / "ix")
    ix.update()
    (bike_copy / PADS).write_text("<dmodule><broken", encoding="utf-8")
    result = ix.update()
    assert result.total == 96
    assert "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A" not in _keys(ix, "rubbing alcohol")


def test_index_command_text_and_json(bike_copy: Path):
    run = [sys.executable, "-m", "ietm", "index", str(bike_copy), "--format", "json"]
    first = json.loads(subprocess.run(run, capture_output=True, text=True, check=True).stdout)
    assert first["rebuilt"] and first["total"] == 97
    assert Path(first["folder"]).is_relative_to(bike_copy / ".ietm")
    second = subprocess.run([*run[:-2]], capture_output=True, text=True, check=True).stdout
    assert "0 module(s) indexed" in second and "97 in the index" in second


def test_index_of_missing_folder_is_one_clear_error(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "ietm", "index", str(tmp_path / "nope")], capture_output=True, text=True)
    assert proc.returncode == 5
    assert proc.stderr.startswith("ERROR:") and "not a CSDB folder" in proc.stderr and "Traceback" not in proc.stderr


def test_offline_index_after_a_few_changes_is_patched_and_is_the_whole_export(content: Path, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch):
    """Re-publishing after a few modules changed brings the bundle's offline index up to date from their new
    documents (not from every stored field and posting of the index again): the same files, byte for byte, as a
    whole export of the updated index and of a fresh index of the same files. So it is after modules were added
    and removed (the rows after them renumbered), and after both at once."""
    from ietm.index import offline

    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    ix = SearchIndex(csdb, folder=tmp_path / "ix")
    bundle, memo = tmp_path / "bundle", tmp_path / "memo.json"
    (bundle / "search").mkdir(parents=True)

    def url_of(fields: dict) -> str:
        return f"dm/{fields['key']}_{fields['language']}.html"

    def export() -> dict[str, bytes]:
        ix.update()
        state = ix.state()
        offline.write_offline_index(ix.open(), url_of, bundle, memo, "code and pages", state["docs"])
        return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in (bundle / "search").glob("*.json")}

    def whole_exports() -> list[dict[str, bytes]]:
        fresh = SearchIndex(csdb, folder=tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}")
        return [offline.build_offline_index(ix.open(), url_of), offline.build_offline_index(fresh.open(), url_of)]

    def edit(name: str, old: str, new: str) -> None:
        path = csdb / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    first = export()
    lubrication = "DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_ru-RU.XML"
    edit(lubrication, "<techName>Система смазки</techName>", "<techName>Система смазки и фильтрации</techName>")
    edit(lubrication, "<para>", "<para>Цирконовая промывка. ")
    ix.update()  # a second segment; the next change goes into a third
    edit("DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_en-US.XML", "</para>", " Zirconwash.</para>")

    def whole(*_args) -> None:
        raise AssertionError("exported whole")

    monkeypatch.setattr(offline, "_gather", whole)
    patched = export()
    monkeypatch.undo()
    assert patched != first
    assert all(files == patched for files in whole_exports())
    words = {w for rel, data in patched.items() if rel.startswith("search/ru-")
             for w in json.loads(data)["words"][0::2]}
    assert {"цирконовая", "фильтрации"} <= words

    def patched_export() -> dict[str, bytes]:
        monkeypatch.setattr(offline, "_gather", whole)
        try:
            return export()
        finally:
            monkeypatch.undo()

    def add(name: str, variant: str) -> str:
        """A new module: a copy of `name` under another information code variant."""
        text = (csdb / name).read_text(encoding="utf-8")
        start, end = text.index("<dmIdent>"), text.index("</dmIdent>")
        ident = text[start:end].replace('infoCodeVariant="A"', f'infoCodeVariant="{variant}"', 1)
        new = name.replace("A-A_", f"{variant}-A_", 1)
        (csdb / new).write_text(text[:start] + ident + text[end:], encoding="utf-8")
        return new

    def rows(files: dict[str, bytes]) -> int:
        return json.loads(files["search/head.json"])["docs"]

    added = add(lubrication, "C")
    grown = patched_export()
    assert rows(grown) == rows(patched) + 1 and grown == offline.build_offline_index(ix.open(), url_of)
    (csdb / "DMC-DGEN-A-D00-00-00-00A-005A-A_001-00_en-US.XML").unlink()  # early in the order of files
    shrunk = patched_export()
    assert rows(shrunk) == rows(grown) - 1 and shrunk == offline.build_offline_index(ix.open(), url_of)

    (csdb / lubrication).unlink()  # removed and added in one run, and the added one changed
    edit(added, "<para>", "<para>Кварцевая промывка. ")
    add("DMC-DGEN-A-D00-00-00-00A-005A-A_001-00_ru-RU.XML", "D")
    both = patched_export()
    assert rows(both) == rows(shrunk)
    assert all(files == both for files in whole_exports())
    words = {w for rel, data in both.items() if rel.startswith("search/ru-") for w in json.loads(data)["words"][0::2]}
    assert "кварцевая" in words
