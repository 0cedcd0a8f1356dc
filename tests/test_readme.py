"""The README's tour of the command line, command by command as written, in a copy of the repository with the
S1000D reference data beside it (`../shared`, as the tour's variables assume).

The commands are read from README.md (tests/readme_tour.py), so the test follows the README. What a user
brings or types is supplied as they would: an OASIS catalog of the official schemas (catalog.xml), the Word
manuals to import and a section map, and the passphrase and password the commands ask for.
"""

from __future__ import annotations

import os

import pytest

from readme_tour import copy_repository, failures, run_tour, sections, user_files

#: the Bike set has faults of its own (references to modules it does not ship, an applicability value out of
#: its range): the checks that see them say so and exit 1, as the README's exit codes say
FINDS_BIKE_FAULTS = {"ietm refs -B $D $B", "ietm applic $B", "ietm check --schemas $S -B $D $B"}


@pytest.fixture(scope="module")
def tour(tmp_path_factory, shared):
    variables, _ = sections()

    def make_copy():
        top = tmp_path_factory.mktemp("tour")
        os.symlink(shared.parent, top / "shared")
        repo = copy_repository(top / "ietm")
        user_files(repo, repo / variables["S"])
        return repo

    return run_tour(make_copy, variables)


def test_every_command_of_the_tour_works_as_written(tour):
    failed = failures(tour, expected=lambda line: 1 if line in FINDS_BIKE_FAULTS else 0)
    assert not failed, "\n".join(failed)
    assert len(tour) >= 35 and {title for title, _ in tour} >= {"Know the CSDB", "Author", "Run a shared server"}
