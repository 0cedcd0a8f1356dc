"""The incremental gate: `ietm check` (and publish's gate) takes each object's kept findings while nothing they
depend on changed, and its report is always the one a full check gives. Each step changes a copy of the sample
manual and compares the incremental gate with the checks run whole, as `ietm validate`, `brex`, `refs` and
`applic` run them."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from clirun import ietm
from ietm.catalog import Catalog
from ietm.check.applic import check_csdb
from ietm.check.brex import DEFAULT_NONFAILING, check_paths, make_spec
from ietm.check.commands import make_locator
from ietm.check.gate import Gate, run_gate, standard_steps
from ietm.check.incremental import Kept
from ietm.check.integrity_commands import default_brex_paths
from ietm.check.refs import brex_keys, check_refs
from ietm.check.schema import validate_paths
from ietm.config import load_config

BREX = "DMC-DGEN-A-D00-00-00-00A-022A-D_001-00_en-US.XML"
ACT = "DMC-DGEN-A-D00-00-00-00A-00WA-D_001-00_en-US.XML"
WARNINGS = "DMC-DGEN-A-D00-00-00-00A-0A4A-D_001-00_en-US.XML"
RUSSIAN = {**os.environ, "LC_ALL": "", "LC_MESSAGES": "", "LANG": "ru_RU.UTF-8"}
CREW = "DMC-DGEN-A-D00-00-00-00A-0B0A-A_001-00_en-US.XML"  # has skillLevelCode="sk01"


def _brex_args(csdb: Path) -> tuple[dict, list[Path]]:
    config = load_config(csdb)
    defaults = default_brex_paths(csdb, ())
    return {"search": (), "defaults": defaults, "explicit": None, "values": True,
            "nonfailing": config.get("brex.nonfailing") or DEFAULT_NONFAILING}, defaults


def full(csdb: Path) -> Gate:
    """The four checks run whole, as their own commands run them."""
    brex_args, defaults = _brex_args(csdb)
    catalog = Catalog.open(csdb)
    catalog.refresh()
    gate = Gate()
    gate.reports["schema"] = validate_paths([csdb], make_locator(csdb, (), (), False))
    gate.reports["brex"] = check_paths([csdb], make_spec([csdb], **brex_args))
    gate.reports["refs"] = check_refs(catalog, brex_keys(defaults))
    gate.reports["applic"] = check_csdb(catalog)
    catalog.close()
    return gate


def incremental(csdb: Path) -> tuple[Gate, dict[str, list[str]]]:
    brex_args, defaults = _brex_args(csdb)
    kept = Kept(csdb)
    gate = run_gate(csdb, standard_steps(csdb, ((), (), False), brex_args, defaults, jobs=1, kept=kept))
    kept.cache.close()
    return gate, kept.checked


def same(csdb: Path) -> tuple[Gate, dict[str, set[str]]]:
    """Run the incremental gate, check it against the full one (findings, their order and their Russian words)
    and give it with the names of the files each check checked again."""
    got, checked = incremental(csdb)
    want = full(csdb)
    assert got.to_dict() == want.to_dict()
    for name, report in want.reports.items():
        assert [f.text("ru") for f in got.reports[name].findings] == [f.text("ru") for f in report.findings]
    return got, {k: {Path(p).name for p in v} for k, v in checked.items()}


def rules(gate: Gate, check: str) -> list[tuple[str, str | None]]:
    return [(Path(f.path).name, f.rule) for f in gate.reports[check].findings]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def manual(content: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "manual"
    shutil.copytree(content, copy, ignore=shutil.ignore_patterns(".ietm"))
    return copy


def test_changes_rechecks_only_what_depends_on_them_and_reports_as_a_full_check(manual: Path):
    gate, checked = same(manual)
    assert gate.ok
    assert len(checked["schema"]) == 99 and len(checked["refs"]) == 99  # the first check: everything

    gate, checked = same(manual)  # nothing changed: nothing checked again
    assert checked == {"schema": set(), "brex": set(), "refs": set(), "applic": set()}

    edit(manual / CREW, 'skillLevelCode="sk01"', 'skillLevelCode="sk09"')  # a value the project BREX does not allow
    gate, checked = same(manual)
    assert {name for name, _ in rules(gate, "brex")} == {CREW}
    assert checked["schema"] == checked["brex"] == checked["refs"] == checked["applic"] == {CREW}

    edit(manual / CREW, 'skillLevelCode="sk09"', 'skillLevelCode="sk01"')  # fixed: the error goes
    gate, checked = same(manual)
    assert gate.ok and checked["brex"] == {CREW}

    # a module others refer to goes (both its languages): their references dangle, and only they are checked again
    gone = {p: p.read_bytes() for p in manual.glob(WARNINGS.replace("_en-US", "_*"))}
    for p in gone:
        p.unlink()
    gate, checked = same(manual)
    assert any(rule == "dangling" for _, rule in rules(gate, "refs"))
    referrers = {name for name, _ in rules(gate, "refs")}  # modules (and the DML, whose entry now warns)
    assert checked["refs"] == referrers and checked["schema"] == set()
    for p, data in gone.items():  # and it comes back
        p.write_bytes(data)
    gate, checked = same(manual)
    assert gate.ok and checked["refs"] == referrers | {p.name for p in gone}

    # a new module, then a module broken beyond reading
    added = manual / CREW.replace("0B0A", "0B0B")
    edit_text = (manual / CREW).read_text(encoding="utf-8").replace('infoCode="0B0" infoCodeVariant="A"',
                                                                     'infoCode="0B0" infoCodeVariant="B"', 1)
    added.write_text(edit_text, encoding="utf-8")
    gate, checked = same(manual)
    assert added.name in checked["schema"] and len(checked["schema"]) == 1
    added.write_text(edit_text[: len(edit_text) // 2], encoding="utf-8")
    gate, checked = same(manual)
    assert not gate.ok and (added.name, "not-readable") in rules(gate, "schema")
    added.unlink()
    gate, checked = same(manual)
    assert gate.ok

    # an illustration goes: the modules that show it fail
    icn = manual / "ICN-DGENA-00001-001-01.SVG"
    picture = icn.read_bytes()
    icn.unlink()
    gate, checked = same(manual)
    assert any(rule == "icn-missing" for _, rule in rules(gate, "refs")) and len(checked["refs"]) < 100
    icn.write_bytes(picture)
    gate, checked = same(manual)
    assert gate.ok


def test_a_changed_brex_or_act_or_setting_rechecks_what_they_govern(manual: Path):
    same(manual)
    # the project BREX no longer allows sk01: every module with it fails, and every module under it is checked again
    edit(manual / BREX, '<objectValue valueForm="single" valueAllowed="sk01">Basic (operator)</objectValue>', "")
    gate, checked = same(manual)
    failing = {name for name, _ in rules(gate, "brex")}
    assert CREW in failing and checked["schema"] == {BREX}
    assert 90 < len(checked["brex"]) < 99  # those that name the project BREX (the DML names none)
    # the rules made of a severity that does not fail (brsl03): warnings
    edit(manual / BREX, "<structureObjectRule>", '<structureObjectRule brSeverityLevel="brsl03">', -1)
    gate, checked = same(manual)
    assert gate.reports["brex"].ok and gate.reports["brex"].counts["warning"] > 0
    # a setting that makes brsl03 fail: every object checked again
    (manual / "ietm.toml").write_text('[brex]\nnonfailing = ["brsl02"]\n', encoding="utf-8")
    gate, checked = same(manual)
    assert not gate.reports["brex"].ok and len(checked["brex"]) == 99

    # the ACT no longer declares DG-5E: the modules that assert it fail, every module checked again
    for act in manual.glob(ACT.replace("_en-US", "_*")):
        text = act.read_text(encoding="utf-8")
        act.write_text(re.sub(r'<enumeration applicPropertyValues="DG-5E"[^>]*/>', "", text), encoding="utf-8")
    gate, checked = same(manual)
    assert any(rule == "applic-value" for _, rule in rules(gate, "applic"))
    assert len(checked["applic"]) > 50 and checked["brex"] == {ACT, ACT.replace("en-US", "ru-RU")}


def test_the_command_takes_kept_findings_and_no_cache_checks_all(manual: Path):
    edit(manual / CREW, 'skillLevelCode="sk01"', 'skillLevelCode="sk09"')
    first = ietm("check", manual, "--format", "json")
    again = ietm("check", manual, "--format", "json")
    fresh = ietm("check", manual, "--format", "json", "--no-cache")
    assert first.code == again.code == fresh.code == 1
    assert json.loads(first.out) == json.loads(again.out) == json.loads(fresh.out)
    text = ietm("check", manual, env=RUSSIAN)
    assert text.out == ietm("check", manual, "--no-cache", env=RUSSIAN).out
    assert "--no-cache" in ietm("check", "--help").out


def test_an_unreadable_cache_is_made_again(manual: Path):
    same(manual)
    kept = Kept(manual)
    path = kept.cache.path
    kept.cache.close()
    path.write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    gate, checked = same(manual)
    assert gate.ok and len(checked["schema"]) == 99


def test_references_checked_on_both_cores_as_on_one(manual: Path):
    """Thousands of objects are checked by forked workers: each object's findings and lookups as in one process."""
    from ietm.check.refs import World, refs_each

    (manual / WARNINGS).unlink()
    (manual / "ICN-DGENA-00001-001-01.SVG").unlink()
    catalog = Catalog.open(manual)
    catalog.refresh()
    objects = catalog.all(with_refs=True)
    world = World.of(objects, brex_keys([]))
    many = [o for o in objects if o.kind != "icn"] * 25
    both = refs_each(many, world, jobs=2)
    assert both == refs_each(many, world, jobs=1)
    assert len(both) > 2000 and any(found for found, _, _ in both)
    catalog.close()


def test_publish_gate_keeps_findings_with_ietm_check(manual: Path):
    """`ietm publish`'s gate is `ietm check` with the CSDB's settings: the findings one keeps, the other takes."""
    from ietm.publish.bundle import check_gate

    assert check_gate(manual, 1) == (True, full(manual).summary())
    edit(manual / CREW, 'skillLevelCode="sk01"', 'skillLevelCode="sk09"')
    ok, summary = check_gate(manual, 1)
    assert not ok and summary == full(manual).summary() and "brex 0 error(s)" not in summary
    gate, checked = same(manual)  # `ietm check` after the gate: the one module the gate checked is not checked again
    assert checked == {"schema": set(), "brex": set(), "refs": set(), "applic": set()}


def test_findings_are_kept_with_the_brex_as_it_was_read(manual: Path):
    """A BREX saved while a check runs: the findings made with the copy read before are kept with that copy's
    stamp, so that the next check checks those objects again instead of trusting them."""
    from ietm.check.brex import Checker, key_state
    from ietm.check.cache import stamp, tokens_digest

    brex_args, _ = _brex_args(manual)
    spec = make_spec([manual], **brex_args)
    checker = Checker(spec)
    findings, keys, state = checker.check_object(str(manual / CREW))
    now = lambda key: key_state(spec, key, stamp)  # noqa: E731  (what the next check compares with)
    assert keys and state == tokens_digest(keys, now)
    edit(manual / BREX, "<objectUse>", "<objectUse>Changed. ")
    findings, keys, state = checker.check_object(str(manual / CREW.replace("_en-US", "_ru-RU")))
    assert state != tokens_digest(keys, now)  # checked against the BREX as read before the change
