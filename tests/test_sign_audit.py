"""The audit log: every signing and failed verification recorded; any rewriting of it is found."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clirun import ietm
from ietm.sign import audit
from sign_support import build_pki

MODULE = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"


@pytest.fixture(scope="session")
def apki(tmp_path_factory):
    return build_pki(tmp_path_factory.mktemp("pki") / "demo")


@pytest.fixture(scope="module")
def logged_once(apki, bike, schemas42, tmp_path_factory):
    """A log with a signing, a refused signing and failed verifications, in the CSDB's default place."""
    csdb = tmp_path_factory.mktemp("audited") / "bike"
    shutil.copytree(bike, csdb)
    for p in [csdb, *csdb.iterdir()]:
        p.chmod(p.stat().st_mode | 0o200)
    module = csdb / MODULE
    assert ietm("sign", module, *apki.signer("qa"), "--trust", apki.ca, "--schemas", schemas42).code == 0
    assert ietm("sign", module, *apki.signer("writer"), "--trust", apki.ca, "--schemas", schemas42).code == 6
    module.write_bytes(module.read_bytes() + b" ")
    assert ietm("verify", module, "--trust", apki.ca).code == 10
    assert ietm("verify", module.with_name("DMC-S1000DBIKE-AAA-D00-00-00-00AA-001A-A_002-00_en-US.XML"),
                "--trust", apki.ca).code == 15
    return csdb / ".ietm" / "audit.jsonl"


@pytest.fixture
def logged(logged_once, tmp_path):
    """A copy of that log at <tmp CSDB>/.ietm/audit.jsonl, for tests that rewrite it."""
    (tmp_path / ".ietm").mkdir()
    return Path(shutil.copy(logged_once, tmp_path / ".ietm" / "audit.jsonl"))


def test_events_recorded_in_order(logged, tmp_path):
    entries = [json.loads(line) for line in logged.read_text().splitlines()]
    assert [e["event"] for e in entries] == ["sign", "sign-refused", "verify-failed", "verify-failed"]
    assert entries[0]["object"] == "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A" and len(entries[0]["sha256"]) == 64
    assert "policy lets only qa" in entries[1]["reason"]
    assert entries[2]["status"] == "invalid" and entries[2]["changed"] == [MODULE]
    assert entries[3]["status"] == "unsigned"
    r = ietm("audit", "verify", tmp_path, "--format", "json")
    out = json.loads(r.out)
    assert r.code == 0 and out["ok"] and out["entries"] == 4 and out["last_hash"] == entries[-1]["hash"]


@pytest.mark.parametrize("how", ["edit", "delete", "swap", "rehash-one"])
def test_rewriting_is_detected(logged, tmp_path, how):
    lines = logged.read_text().splitlines()
    if how == "edit":  # a signer's name changed after the fact
        lines[0] = lines[0].replace("ietm demo QA inspector", "someone else")
    elif how == "delete":
        del lines[1]
    elif how == "swap":
        lines[1], lines[2] = lines[2], lines[1]
    else:  # an entry changed and its own hash recomputed: the next entry's link breaks
        e = json.loads(lines[1])
        e["reason"] = "nothing to see"
        e["hash"] = audit._digest(e)
        lines[1] = json.dumps(e, sort_keys=True)
    logged.write_text("\n".join(lines) + "\n")
    r = ietm("audit", "verify", tmp_path)
    assert r.code == 1 and "FAILED: audit:" in r.out
    expected_line = {"edit": 1, "delete": 2, "swap": 2, "rehash-one": 3}[how]
    assert f"audit.jsonl:{expected_line}:" in r.out


def test_concurrent_appends_keep_one_chain(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    log = tmp_path / "audit.jsonl"
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_append_many, [log] * 4))
    report = audit.verify_chain(log)
    assert report.ok and report.entries == 100


def _append_many(log):
    for i in range(25):
        audit.append(log, "test", n=i)


def test_missing_log_is_a_clear_error(tmp_path):
    r = ietm("audit", "verify", tmp_path)
    assert r.code == 5 and "no audit log here" in r.err
