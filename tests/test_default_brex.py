"""ietm's built-in S1000D default business rules (schemas/brex/) agree with the official default BREX.

The official modules of Issues 4.2 and 5.0 are in ../shared; with them given (-B) and without (the built-in
rules), `ietm brex` must reach the same verdict, finding for finding, on the Bike set and on modules seeded
with violations. Issue 4.1's official module is not in ../shared: its rules are checked to be read and
to hold on ietm's own 4.1 templates only (see schemas/README.md for where they come from).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clirun import ietm
from ietm.check.brex import read_brex
from ietm.check.default_brex import builtin_rules

DESCRIPTIVE = "DMC-S1000DBIKE-AAA-DA0-00-00-00AA-041A-A_009-00_en-US.XML"  # wheels, description: <description> at 177

#: each breaks one or more rules of the default BREX of Issues 4.2 and 5.0, and none of the Bike project BREX
VIOLATIONS = [
    # a reference that names no target (BREX-S1-00069), and one to a "figure" that is a paragraph (irtt01)
    '<para>See <internalRef internalRefTargetType="irtt01" internalRefId="par-0001"/> and <internalRef/>.</para>',
    # four levels of random lists where three are the most (BREX-S1-00178)
    "<para><randomList><listItem><para><randomList><listItem><para><randomList><listItem><para><randomList>"
    "<listItem><para>Too deep.</para></listItem></randomList></para></listItem></randomList></para></listItem>"
    "</randomList></para></listItem></randomList></para>",
    # values outside S1000D's lists of emphasis types, verbatim styles and internal reference target types
    '<para><emphasis emphasisType="em00">x</emphasis><verbatimText verbatimStyle="vs30">y</verbatimText>'
    '<internalRef internalRefId="par-0001" internalRefTargetType="irtt00"/></para>',
]


def _by_issue() -> dict[str, object]:
    return {b.s1000d_issue: b for b in builtin_rules()}


def _checkable(brex) -> list[tuple]:
    """What a rule checks, in the order of the module: what any two forms of the same rules must share."""
    return [(r.ident, r.path, r.flag if r.flag in ("0", "1") else "2", frozenset((a.form, a.value) for a in r.values),
             r.context, r.severity) for r in brex.rules if r.flag in ("0", "1") or r.values]


@pytest.mark.parametrize("issue", ["4.2", "5.0"])
def test_the_built_in_rules_are_those_of_the_official_default_brex(shared, issue):
    (official_file,) = (shared / issue / "brex").glob("DMC-*.XML")
    official = read_brex(official_file)
    built_in = _by_issue()[issue]
    assert (built_in.key, built_in.issue, built_in.s1000d_issue) == (official.key, official.issue, official.s1000d_issue)
    assert _checkable(built_in) == _checkable(official)
    assert not built_in.problems and not official.problems
    assert all("S1000D " + issue in r.use and "Chap " in r.use for r in built_in.rules), "every rule says where S1000D says it"


def test_issue_41_rules_are_read_and_named_as_s1000d_names_them():
    built_in = _by_issue()["4.1"]
    assert built_in.key == "DMC-S1000D-E-04-10-0301-00A-022A-D" and built_in.s1000d_issue == "4.1"
    assert len(built_in.rules) > 200 and not built_in.problems and all(r.xpath is not None for r in built_in.rules)


def _findings(*args) -> list[tuple]:
    r = ietm("brex", *args, "--format", "json")
    assert r.code in (0, 1), r.err
    return sorted((Path(f["path"]).name, f["line"], f["rule"], f["severity"]) for f in json.loads(r.out)["findings"])


def test_same_verdict_on_the_bike_set(bike, brex42):
    assert _findings(bike, "-B", brex42) == _findings(bike) == []


def _seed(text: str, where: str) -> str:
    assert where in text
    return text.replace(where, where + "\n" + "\n".join(VIOLATIONS), 1)


@pytest.fixture(scope="module")
def seeded(bike, tmp_path_factory) -> dict[str, Path]:
    """Modules of Issue 4.2 (a Bike description) and 5.0 (fresh from `ietm new`) with every violation in them."""
    root = tmp_path_factory.mktemp("seeded")
    v42 = root / "4.2"
    v42.mkdir()
    project = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-022A-D_009-00_en-US.XML"
    shutil.copy(bike / project, v42 / project)  # the Bike BREX, which refers on to the default BREX
    (v42 / DESCRIPTIVE).write_text(_seed((bike / DESCRIPTIVE).read_text(encoding="utf-8"), "<description>"), encoding="utf-8")
    v50 = root / "5.0"
    r = ietm("new", "dm", "--code", "MYPROD-A-D20-00-00-00A-040A-A", "--title", "Fuel system - Description",
             "--type", "descriptive", "--issue", "5.0", "-o", v50, "--format", "json")
    assert r.code == 0, r.err
    made = Path(json.loads(r.out)["path"])
    made.write_text(_seed(made.read_text(encoding="utf-8"), "<description>"), encoding="utf-8")
    return {"4.2": v42, "5.0": v50}


@pytest.mark.parametrize("issue", ["4.2", "5.0"])
def test_same_verdict_on_seeded_violations(shared, seeded, issue):
    official = _findings(seeded[issue], "-B", shared / issue / "brex")
    built_in = _findings(seeded[issue])
    assert official == built_in
    default_rules = {rule for _, _, rule, _ in official if rule.startswith("BREX-S1-")}
    assert default_rules == {"BREX-S1-00045", "BREX-S1-00069", "BREX-S1-00178", "BREX-S1-00195", "BREX-S1-00204",
                             "BREX-S1-00243"}, official


def test_new_modules_of_every_issue_pass_the_built_in_rules(tmp_path):
    """No official BREX anywhere: a fresh module is checked against ietm's rules of its issue, and passes."""
    for issue in ("4.2", "5.0"):
        r = ietm("new", "dm", "--code", f"MYPROD-A-D20-00-00-00A-0{issue[0]}0A-A", "--title", "Fuel system - Description",
                 "--type", "descriptive", "--issue", issue, "-o", tmp_path)
        assert r.code == 0, r.err
    r = ietm("brex", tmp_path, "--format", "json")
    report = json.loads(r.out)
    assert (r.code, report["files"], report["errors"], report["warnings"]) == (0, 2, 0, 0), report
