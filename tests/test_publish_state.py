"""The publishing state (ietm.publish.state.PublishState): what each page of the last bundle was made from, kept
in SQLite so that a re-publish writes only the records of the pages it rendered."""

from __future__ import annotations

from pathlib import Path

from ietm.publish.state import PageRecord, PublishState


def _saved(csdb: Path, out: Path, release: str, pages: dict[str, PageRecord], stamps: dict) -> PublishState:
    state = PublishState.load(csdb, out, release)
    for page, record in pages.items():
        state.record(page, record)
    state.release, state.fingerprint, state.stamps = release, "fp", stamps
    state.save(csdb, out)
    return state


def test_state_round_trip_and_dependents(tmp_path: Path):
    csdb, out = tmp_path / "csdb", tmp_path / "site"
    csdb.mkdir()
    keys = {f"DMC-K{i}": f"s{i}" for i in range(40)}
    pages = {"dm/a.html": PageRecord(["DMC-K1", "DMC-K2"], ["/icn/a.png"]),
             "dm/b.html": PageRecord(["DMC-K2", "DMC-K10"], []),
             "dm/index.html": PageRecord(sorted(keys), [])}
    _saved(csdb, out, "r1", pages, {"keys": keys, "listing": {}})

    assert PublishState.load(csdb, out, "other").recorded == set()  # not the bundle the state describes
    state = PublishState.load(csdb, out, "r1")
    assert state.recorded == set(pages) and state.fingerprint == "fp"
    assert state.shown_icns() == {"/icn/a.png"}
    changed = state.changed("keys", {**keys, "DMC-K2": "new", "DMC-NEW": "n"})
    assert changed == {"DMC-K2", "DMC-NEW"}
    assert state.dependents(changed) == {"dm/a.html", "dm/b.html", "dm/index.html"}
    # "DMC-K1" is not "DMC-K10": whole keys are matched, with few changed keys (SQL) and many (split)
    assert state.dependents({"DMC-K1"}) == {"dm/a.html", "dm/index.html"}
    many = {f"DMC-X{i}" for i in range(30)} | {"DMC-K1"}
    assert state.dependents(many) == {"dm/a.html", "dm/index.html"}
    without = dict(keys)
    del without["DMC-K10"]
    assert state.changed("keys", without) == {"DMC-K10"}  # a removed object changed too

    # only what changed is written: a page rendered again, one removed
    state.record("dm/a.html", PageRecord(["DMC-K3"], []))
    state.forget("dm/b.html")
    state.release = "r2"
    state.save(csdb, out)
    again = PublishState.load(csdb, out, "r2")
    assert again.recorded == {"dm/a.html", "dm/index.html"} and again.shown_icns() == set()
    assert again.dependents({"DMC-K3"}) == {"dm/a.html", "dm/index.html"}
    assert again.dependents({"DMC-K2"}) == {"dm/index.html"}

    again.clear_pages()  # a whole build: every record written anew
    again.record("dm/c.html", PageRecord(["DMC-K5"], []))
    again.release = "r3"
    again.save(csdb, out)
    assert PublishState.load(csdb, out, "r3").recorded == {"dm/c.html"}


def test_a_damaged_state_is_a_whole_build(tmp_path: Path):
    csdb, out = tmp_path / "csdb", tmp_path / "site"
    csdb.mkdir()
    path = PublishState.file_for(csdb, out)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database")
    state = PublishState.load(csdb, out, "r1")
    assert state.release == "" and state.recorded == set()
    state.record("dm/a.html", PageRecord(["DMC-K1"], []))
    state.release = "r1"
    state.save(csdb, out)
    assert PublishState.load(csdb, out, "r1").recorded == {"dm/a.html"}
