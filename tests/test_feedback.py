"""Remarks from the field become schema-valid S1000D comment objects, never overwriting one another."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from ietm.check.schema import Validator
from ietm.check.schemas_locator import SchemaLocator
from ietm.errors import InputError
from ietm.feedback.comment import Remark, write
from ietm.parse import read_object

DM = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"


def test_remark_is_a_valid_comment_query(tmp_path, schemas42):
    path = write(Remark(DM, "Step 3 names the wrong torque.\n\nIt should be 6 Nm.", "ivan", "safety"), tmp_path,
                 date(2026, 11, 29), brex="S1000DBIKE-AAA-D00-00-00-00AA-022A-D")
    assert path.name == "COM-S1000DBIKE-IETMF-2026-00001-Q_en-US.XML"
    assert Validator(SchemaLocator([schemas42])).validate_file(str(path)) == []
    obj = read_object(path)
    assert obj.kind == "comment" and obj.name_ok
    assert [r.target for r in obj.refs if r.kind == "dm"] == [DM]
    text = path.read_text(encoding="utf-8")
    assert 'commentPriorityCode="cp03"' in text and "It should be 6 Nm." in text


def test_concurrent_remarks_get_distinct_numbers(tmp_path):
    remarks = [Remark(DM, f"remark {i}", "ivan") for i in range(12)]
    with ThreadPoolExecutor(6) as pool:
        paths = list(pool.map(lambda r: write(r, tmp_path, date(2026, 11, 29)), remarks))
    assert len({p.name for p in paths}) == 12
    assert sorted(p.read_text(encoding="utf-8").count("remark ") for p in paths) == [1] * 12
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("remark, message", [
    (Remark(DM, "   ", "ivan"), "needs some text"),
    (Remark(DM, "x" * 5000, "ivan"), "at most"),
    (Remark(DM, "fine", "ivan", "urgent"), "priority"),
    (Remark("not-a-code", "fine", "ivan"), "not a data module code"),
])
def test_bad_remarks_are_refused(tmp_path, remark, message):
    with pytest.raises(InputError, match=message):
        write(remark, tmp_path)
    assert list(tmp_path.iterdir()) == []
