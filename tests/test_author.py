"""Authoring: `ietm new` objects are schema-valid from birth; `ietm upissue` numbers, types and clears as S1000D
says; nothing is ever half-written or overwritten."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from applic_helpers import schema_errors, validator
from clirun import ROOT, ietm
from ietm.author.create import DM_TYPES
from ietm.author.upissue import next_issue
from ietm.errors import Refused
from ietm.parse import load
from ietm.parse.codes import Issue
from ietm.parse.model import describe

DMC = "S1000DBIKE-AAA-DA1-10-00-00AA-040A-A"
CLEANING = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_009-00_en-US.XML"


@pytest.fixture(scope="session")
def validators(shared, schemas42, schemas50):
    return {"4.2": validator(schemas42), "5.0": validator(schemas50, shared / "w3c")}


def _name(issue: str) -> str:
    return f"DMC-{DMC}_{issue}_en-US.XML"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("s1000d", ["4.2", "5.0"])
@pytest.mark.parametrize("dm_type", list(DM_TYPES))
def test_new_data_modules_are_valid_from_birth(tmp_path, validators, s1000d, dm_type):
    r = ietm("new", "dm", "--code", DMC, "--title", "Brake - Description of how it is made", "--type", dm_type,
             "--issue", s1000d, "-o", tmp_path)
    assert r.code == 0, r.err
    path = tmp_path / _name("000-01")
    assert schema_errors(validators[s1000d], path) == []
    obj = describe(load(path))
    assert (obj.key, obj.issue, obj.language, obj.issue_type, obj.qa) == (f"DMC-{DMC}", "000-01", "en-US", "new", "unverified")
    assert obj.title == "Brake - Description of how it is made"
    assert obj.content_type == dm_type and obj.s1000d_issue == s1000d


@pytest.mark.parametrize("s1000d", ["4.2", "5.0"])
def test_new_publication_module(tmp_path, validators, s1000d):
    r = ietm("new", "pm", "--code", "S1000DBIKE-B6865-EPWG2-00", "--title", "Bike manual", "--dm", DMC,
             "--dm", "S1000DBIKE-AAA-DA1-20-00-00AA-520A-A", "--issue", s1000d, "--lang", "ru-RU", "-o", tmp_path)
    assert r.code == 0, r.err
    path = tmp_path / "PMC-S1000DBIKE-B6865-EPWG2-00_000-01_ru-RU.XML"
    assert schema_errors(validators[s1000d], path) == []
    obj = describe(load(path))
    assert obj.title == "Bike manual" and [r.target for r in obj.refs if r.kind == "dm"] == [
        f"DMC-{DMC}", "DMC-S1000DBIKE-AAA-DA1-20-00-00AA-520A-A"]


@pytest.mark.parametrize("s1000d", ["4.2", "5.0"])
def test_new_and_upissue_round_trip(tmp_path, validators, s1000d):
    assert ietm("new", "dm", "--code", DMC, "--title", "Brake - Description", "--type", "procedural",
                "--issue", s1000d, "-o", tmp_path).code == 0
    steps = [("--in-work", "000-02", "new"), ("--official", "001-00", "new"), ("--in-work", "001-01", "changed"),
             ("--official", "002-00", "changed"), ("--official", "003-00", "changed")]
    current = tmp_path / _name("000-01")
    kept: dict[Path, str] = {}
    for flag, issue, issue_type in steps:
        kept[current] = _digest(current)
        r = ietm("upissue", current, flag)
        assert r.code == 0, r.err
        current = tmp_path / _name(issue)
        assert schema_errors(validators[s1000d], current) == [], issue
        obj = describe(load(current))
        assert (obj.issue, obj.issue_type, obj.issue_date) == (issue, issue_type, dt.date.today().isoformat())
        if obj.in_work:
            assert obj.qa == "unverified"
    assert all(_digest(p) == d for p, d in kept.items())  # every previous issue is still there, untouched
    assert len(list(tmp_path.iterdir())) == 6


def test_publication_module_upissue(tmp_path, validators):
    assert ietm("new", "pm", "--code", "S1000DBIKE-B6865-EPWG2-00", "--title", "Bike manual", "--dm", DMC,
                "-o", tmp_path).code == 0
    first = tmp_path / "PMC-S1000DBIKE-B6865-EPWG2-00_000-01_en-US.XML"
    assert ietm("upissue", first, "--official").code == 0
    released = tmp_path / "PMC-S1000DBIKE-B6865-EPWG2-00_001-00_en-US.XML"
    assert ietm("upissue", released, "--reason", "Brake chapter added").code == 0
    draft = tmp_path / "PMC-S1000DBIKE-B6865-EPWG2-00_001-01_en-US.XML"
    for path in (released, draft):
        assert schema_errors(validators["4.2"], path) == []
    obj = describe(load(draft))
    assert (obj.issue, obj.issue_type, obj.qa) == ("001-01", "changed", "unverified")
    assert load(draft).root.xpath("//pmStatus/reasonForUpdate/simplePara/text()") == ["Brake chapter added"]


@pytest.mark.parametrize("current, official, expected", [
    ("000-01", False, "000-02"), ("000-03", True, "001-00"), ("001-03", True, "002-00"),
    ("002-00", False, "002-01"), ("002-00", True, "003-00"), ("009-98", False, "009-99"),
])
def test_numbering(current, official, expected):
    assert str(next_issue(Issue.parse(current), official)) == expected


@pytest.mark.parametrize("current, official", [("001-99", False), ("999-00", True), ("999-04", True)])
def test_numbering_limits(current, official):
    with pytest.raises(Refused):
        next_issue(Issue.parse(current), official)


def _marks(path: Path) -> tuple[int, int]:
    root = load(path).root
    return len(root.xpath("//@changeMark")), len(root.xpath("//reasonForUpdate"))


def test_upissue_of_a_bike_module_starts_a_new_cycle(bike_copy, validators):
    """258A issue 009 (changed, first verification) carries five change marks and four reasons for update."""
    src = bike_copy / CLEANING
    assert _marks(src) == (5, 4)
    r = ietm("upissue", src)
    assert r.code == 0, r.err
    new = bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_009-01_en-US.XML"
    assert schema_errors(validators["4.2"], new) == []
    obj = describe(load(new))
    assert (obj.issue, obj.issue_type, obj.qa) == ("009-01", "changed", "unverified")
    assert _marks(new) == (0, 0) and "5 change mark(s) of the last issue cleared" in r.out
    assert load(new).root.xpath("//@reasonForUpdateRefIds") == []
    assert load(new).entities == load(src).entities  # the illustrations it declares are still declared
    doctype = re.compile(rb"<!DOCTYPE.*?\]>", re.DOTALL)
    assert doctype.search(new.read_bytes())[0] == doctype.search(src.read_bytes())[0]  # verbatim, in order
    # the draft's own marks are kept from one in-work issue to the next
    marked = bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_009-02_en-US.XML"
    new.unlink()
    assert ietm("upissue", src, "--keep-changes").code == 0
    assert _marks(new) == (5, 4)
    assert ietm("upissue", new, "--reason", "Detergent changed").code == 0
    assert _marks(marked) == (5, 5)
    assert schema_errors(validators["4.2"], marked) == []


def test_official_upissue_keeps_qa_and_sets_type(bike_copy, validators):
    src = bike_copy / CLEANING
    r = ietm("upissue", src, "--official", "--type", "revised", "--format", "json")
    assert r.code == 0, r.err
    new = bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_010-00_en-US.XML"
    obj = describe(load(new))
    assert (obj.issue, obj.issue_type, obj.qa) == ("010-00", "revised", "first")
    assert schema_errors(validators["4.2"], new) == []


def test_upissue_never_overwrites(bike_copy):
    src = bike_copy / CLEANING
    target = bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_009-01_en-US.XML"
    target.write_text("someone's draft", encoding="utf-8")
    before = sorted(p.name for p in bike_copy.iterdir())
    r = ietm("upissue", src)
    assert r.code == 6 and "later issue exists" in r.err
    assert target.read_text(encoding="utf-8") == "someone's draft"
    assert sorted(p.name for p in bike_copy.iterdir()) == before


def test_new_never_overwrites(tmp_path):
    assert ietm("new", "dm", "--code", DMC, "--title", "Brake", "--type", "crew", "-o", tmp_path).code == 0
    digest = _digest(tmp_path / _name("000-01"))
    r = ietm("new", "dm", "--code", DMC, "--title", "Other", "--type", "crew", "-o", tmp_path)
    assert r.code == 6 and "already exists" in r.err
    assert _digest(tmp_path / _name("000-01")) == digest and len(list(tmp_path.iterdir())) == 1


def test_new_creates_the_output_folder_and_says_so(tmp_path):
    """A writer starting a CSDB writes `-o csdb/` in an empty folder, as the README does."""
    r = ietm("new", "dm", "--code", DMC, "--title", "Brake - Description", "--type", "descriptive", "-o", "csdb/", cwd=tmp_path)
    assert r.code == 0 and "created folder csdb" in r.out, r.out + r.err
    assert [p.name for p in (tmp_path / "csdb").iterdir()] == [_name("000-01")]
    r = ietm("new", "pm", "--code", "S1000DBIKE-B6865-EPWG2-00", "--title", "Bike", "--dm", DMC, "-o", "csdb/",
             "--format", "json", cwd=tmp_path)
    assert r.code == 0 and json.loads(r.out)["createdFolder"] is False  # it is there now
    deep = ietm("new", "dm", "--code", DMC, "--title", "Brake", "--type", "crew", "-o", tmp_path / "a" / "b", "--format", "json")
    assert deep.code == 0 and json.loads(deep.out)["createdFolder"] is True
    (tmp_path / "file").write_text("not a folder")
    r = ietm("new", "dm", "--code", DMC, "--title", "Brake", "--type", "crew", "-o", tmp_path / "file")
    assert r.code == 5 and "is a file, not a folder" in r.err and (tmp_path / "file").read_text() == "not a folder"


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_a_write_that_fails_midway_leaves_nothing(bike_copy):
    """The file-size limit makes the real write fail after 4 KiB of a ~30 KiB module."""
    src = bike_copy / CLEANING
    before = {p.name: _digest(p) for p in bike_copy.iterdir() if p.is_file()}
    proc = subprocess.run([sys.executable, "-m", "ietm", "upissue", str(src)], capture_output=True, text=True,
                          cwd=ROOT, preexec_fn=_limit_file_size, timeout=120)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("ERROR: ") and "cannot write" in proc.stderr
    assert {p.name: _digest(p) for p in bike_copy.iterdir() if p.is_file()} == before


def test_malformed_input_is_one_clear_error(tmp_path):
    bad = tmp_path / _name("000-01")
    bad.write_text("<dmodule><identAndStatusSection>", encoding="utf-8")
    r = ietm("upissue", bad)
    assert r.code == 3 and r.err.startswith(f"ERROR: {bad}:") and "not well-formed" in r.err
    assert len(r.err.strip().splitlines()) == 1 and sorted(os.listdir(tmp_path)) == [bad.name]


@pytest.mark.parametrize("args, code, message", [
    (["new", "dm", "--code", "NOT-A-CODE", "--title", "x", "--type", "crew"], 3, "is not a data module code"),
    (["new", "dm", "--code", DMC, "--title", " - Info", "--type", "crew"], 3, "needs a technical name"),
    (["new", "dm", "--code", DMC, "--title", "x", "--type", "poem"], 2, "Invalid value for '--type'"),
    (["new", "pm", "--code", "S1000DBIKE-B6865-EPWG2-00", "--title", "x"], 3, "give --dm CODE"),
    (["new", "pm", "--code", "PMC-NOPE", "--title", "x", "--dm", DMC], 3, "is not a publication module code"),
    (["upissue", "missing.XML"], 5, "no such file"),
])
def test_bad_arguments_give_one_clear_error(tmp_path, args, code, message):
    r = ietm(*args, "-o", tmp_path) if args[0] == "new" else ietm(*args, cwd=tmp_path)
    assert r.code == code and message in r.err
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("s1000d", ["4.2", "5.0"])
def test_new_objects_follow_the_default_brex(tmp_path, shared, s1000d):
    """Templates obey the S1000D default BREX of their issue (value checks on) as well as the schemas."""
    for n, dm_type in enumerate(DM_TYPES):
        code = f"S1000DBIKE-AAA-DA1-10-{n:02d}-00AA-040A-A"
        assert ietm("new", "dm", "--code", code, "--title", "Brake - Description", "--type", dm_type,
                    "--issue", s1000d, "-o", tmp_path).code == 0
    assert ietm("new", "pm", "--code", "S1000DBIKE-B6865-EPWG2-00", "--title", "Bike manual", "--dm", DMC,
                "--issue", s1000d, "-o", tmp_path).code == 0
    r = ietm("brex", tmp_path, "-B", shared / s1000d / "brex", "--format", "json")
    report = json.loads(r.out)
    assert (r.code, report["files"], report["errors"], report["warnings"]) == (0, len(DM_TYPES) + 1, 0, 0), r.out
