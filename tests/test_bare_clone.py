"""A clone with nothing beside it (no ../shared): every command of the README's tour works on the sample
manual, and a fresh `ietm new dm` module passes `ietm check`. Nothing outside the repository is required.

The tour is the README's (tests/readme_tour.py), with what only the S1000D reference data holds taken out:
the official schemas and BREX options go (the ietm profile and the built-in default rules stand in), and what
the tour names in the Bike set names the sample manual's own instead.
"""

from __future__ import annotations

import pytest

from readme_tour import Tour, copy_repository, failures, run_tour, user_files

#: what the tour names in the Bike set, and the sample manual's own of the same kind
SAMPLE = {
    "S1000DBIKE-AAA-DA1-10-00-00AA-251A-A": "DGEN-A-D10-10-00-00A-040A-A",  # a module to show
    "S1000DBIKE-AAA-D00-00-00-00AA-022A-D": "DGEN-A-D00-00-00-00A-022A-D",  # the project BREX: where-used
    '"brake pad"': '"oil filter"',  # a search that finds something (no match exits 1, as `ietm search --help` says)
}


def _bare(line: str) -> str | None:
    if "--catalog" in line:
        return None  # a catalog of the official schemas, which a bare clone does not have
    line = line.replace(" --schemas $S", "").replace(" -B $D", "")
    for bike, sample in SAMPLE.items():
        line = line.replace(bike, sample)
    return line


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    copies = []

    def make_copy():
        top = tmp_path_factory.mktemp("bare")
        repo = copy_repository(top / "ietm")
        user_files(repo, None)
        copies.append(top)
        return repo

    steps = run_tour(make_copy, {"B": "content"}, _bare)
    assert not any((top / "shared").exists() for top in copies)
    return copies[0] / "ietm", steps


def test_the_tour_works_on_the_sample_manual(bare):
    _, steps = bare
    failed = failures(steps)
    assert not failed, "\n".join(failed)
    assert len(steps) >= 35
    assert not any("../shared" in s.out + s.err for _, s in steps), "something looked beside the repository"


def test_a_fresh_module_passes_ietm_check(bare):
    """`ietm new dm` names the S1000D default BREX of its issue, whose rules ietm has built in; an Issue 4.2
    module is validated against the ietm profile. (Issue 5.0 has no profile: with no official schemas at hand
    its validation says the schema is missing, so only its business rules are checked here.)"""
    repo, _ = bare
    tour = Tour(repo, {})
    made = tour.run("ietm new dm --code MYPROD-A-D30-00-00-00A-040A-A --title 'Fuel pump - Description' "
                    "--type descriptive -o fresh/")
    assert made.code == 0, made.said()
    for line in ("ietm check fresh/", "ietm validate fresh/", "ietm brex fresh/", "ietm refs fresh/"):
        step = tour.run(line)
        assert step.code == 0 and ": warning:" not in step.out, step.said()
    made = tour.run("ietm new dm --code MYPROD-A-D30-00-00-00A-050A-A --title 'Fuel pump - Description' "
                    "--type descriptive --issue 5.0 -o fresh50/")
    step = tour.run("ietm brex fresh50/")
    assert made.code == 0 and step.code == 0 and ": warning:" not in step.out, step.said()
