"""The audit log: every signing and failed verification recorded in the CSDB's server database (on SQLite and on
PostgreSQL), one chain however many processes write at once; any rewriting of it is found; the log file of
earlier versions is carried into the database with nothing lost."""

from __future__ import annotations

import json
import logging
import shutil
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from clirun import ietm
from ietm.paths import state_dir
from ietm.sign import audit
from ietm.sign.audit import DatabaseLog, FileLog
from ietm.sign.commands import audit_log_for
from ietm.sign.tables import audit_entries
from liveserver import Server
from orders_support import fuel_filter, login, server_csdb, submit
from sign_support import build_pki

MODULE = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"
EVENTS = ["sign", "sign-refused", "verify-failed", "verify-failed"]


@pytest.fixture(scope="session")
def apki(tmp_path_factory):
    return build_pki(tmp_path_factory.mktemp("pki") / "demo")


@pytest.fixture(scope="module")
def logged_once(apki, bike, schemas42, tmp_path_factory) -> list[dict]:
    """The entries of a signing, a refused signing and failed verifications, as the commands wrote them."""
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
    assert not (state_dir(csdb) / "audit.jsonl").exists(), "the commands write the server database, not a file"
    r = ietm("audit", "verify", csdb, "--format", "json")
    assert r.code == 0 and json.loads(r.out)["entries"] == 4, r.out
    return audit_log_for(csdb).entries()


def _as_file(entries: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e, sort_keys=True, ensure_ascii=False) + "\n" for e in entries))
    return path


@pytest.fixture
def logged(logged_once, tmp_path) -> Path:
    """A CSDB whose log holds those entries: written as an earlier version's file, which the first command on the
    CSDB carries into its server database."""
    _as_file(logged_once, state_dir(tmp_path) / "audit.jsonl")
    return tmp_path


def test_events_recorded_in_order(logged, logged_once):
    entries = logged_once
    assert [e["event"] for e in entries] == EVENTS
    assert entries[0]["object"] == "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A" and len(entries[0]["sha256"]) == 64
    assert "policy lets only qa" in entries[1]["reason"]
    assert entries[2]["status"] == "invalid" and entries[2]["changed"] == [MODULE]
    assert entries[3]["status"] == "unsigned"
    r = ietm("audit", "verify", logged, "--format", "json")
    out = json.loads(r.out)
    assert r.code == 0 and out["ok"] and out["entries"] == 4 and out["last_hash"] == entries[-1]["hash"]
    assert audit_log_for(logged).entries() == entries, "carried over unchanged"


def _rewrite(texts: list[str], how: str) -> list[str]:
    if how == "edit":  # a signer's name changed after the fact
        texts[0] = texts[0].replace("ietm demo QA inspector", "someone else")
    elif how == "delete":
        del texts[1]
    elif how == "swap":
        texts[1], texts[2] = texts[2], texts[1]
    else:  # an entry changed and its own hash recomputed: the next entry's link breaks
        e = json.loads(texts[1])
        e["reason"] = "nothing to see"
        e["hash"] = audit._digest(e)
        texts[1] = json.dumps(e, sort_keys=True)
    return texts


@pytest.mark.parametrize("how", ["edit", "delete", "swap", "rehash-one"])
def test_rewriting_the_database_is_detected(logged, how):
    log = audit_log_for(logged)
    texts = [text for _, text in log.texts()]
    with log.open().begin() as conn:
        if how == "delete":
            conn.execute(delete(audit_entries).where(audit_entries.c.seq == 2))
        for seq, (old, new) in enumerate(zip(texts, _rewrite(list(texts), how)), 1):
            if old != new and how != "delete":
                conn.execute(update(audit_entries).where(audit_entries.c.seq == seq).values(entry=new))
    r = ietm("audit", "verify", logged)
    assert r.code == 1 and "FAILED: audit: the server database" in r.out, r.out
    expected = {"edit": 1, "delete": 3, "swap": 2, "rehash-one": 3}[how]
    assert f", entry {expected}: " in r.out


@pytest.mark.parametrize("how", ["edit", "delete", "swap", "rehash-one"])
def test_rewriting_a_log_file_is_detected(logged_once, tmp_path, how):
    path = tmp_path / "own.jsonl"
    texts = _rewrite([json.dumps(e, sort_keys=True, ensure_ascii=False) for e in logged_once], how)
    path.write_text("\n".join(texts) + "\n")
    r = ietm("audit", "verify", tmp_path, "--audit-log", path)
    assert r.code == 1 and "FAILED: audit:" in r.out
    expected = {"edit": 1, "delete": 2, "swap": 2, "rehash-one": 3}[how]
    assert f"own.jsonl:{expected}:" in r.out


def test_concurrent_appends_keep_one_chain(tmp_path, db_url):
    (tmp_path / "ietm.toml").write_text(f'[server]\ndatabase = "{db_url}"\n')
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_append_many, [tmp_path] * 4))
    report = audit_log_for(tmp_path).verify()
    assert report.ok and report.entries == 100
    assert sorted(e["n"] for e in audit_log_for(tmp_path).entries()) == sorted(list(range(25)) * 4)


def test_concurrent_appends_to_a_file_keep_one_chain(tmp_path):
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_append_many, [tmp_path / "own.jsonl"] * 4))
    report = FileLog(tmp_path / "own.jsonl").verify()
    assert report.ok and report.entries == 100


def _append_many(where: Path):
    log = FileLog(where) if where.suffix == ".jsonl" else audit_log_for(where)
    for i in range(25):
        audit.append(log, "test", n=i)


def test_an_earlier_file_is_carried_over_once_and_what_was_added_to_it_later(logged_once, tmp_path, caplog):
    legacy = _as_file(logged_once[:2], state_dir(tmp_path) / "audit.jsonl")
    with caplog.at_level(logging.WARNING, "ietm.audit"):
        log = audit_log_for(tmp_path)
        assert [e["event"] for e in log.entries()] == EVENTS[:2]
    assert "carried 2 audit log entries" in caplog.text
    _as_file(logged_once, legacy)  # an older ietm went on writing the file
    audit.append(audit_log_for(tmp_path), "test", n=1)
    entries = audit_log_for(tmp_path).entries()
    assert entries[:4] == logged_once and entries[4]["event"] == "test" and entries[4]["prev"] == logged_once[-1]["hash"]
    assert audit_log_for(tmp_path).verify().ok and legacy.is_file(), "the file stays, as a backup"
    # a file that no longer matches the database is said, and left alone
    forged = {**logged_once[0], "event": "forged"}
    _as_file([{**forged, "hash": audit._digest(forged)}], legacy)
    caplog.clear()
    with caplog.at_level(logging.WARNING, "ietm.audit"):
        assert len(audit_log_for(tmp_path).entries()) == 5
    assert "differ" in caplog.text


def test_the_retired_setting_names_the_file_to_carry_over(logged_once, tmp_path):
    _as_file(logged_once, tmp_path / "logs" / "audit.jsonl")
    (tmp_path / "ietm.toml").write_text('[sign]\naudit = "logs/audit.jsonl"\n')
    r = ietm("audit", "verify", tmp_path, "--format", "json")
    assert r.code == 0 and json.loads(r.out)["entries"] == 4 and "retired" in r.err


def test_missing_log_is_a_clear_error(tmp_path):
    r = ietm("audit", "verify", tmp_path)
    assert r.code == 5 and "no audit log here" in r.err
    assert not (tmp_path / ".ietm").exists(), "asking made no database"


def test_two_workers_and_a_command_writing_at_once_keep_one_chain(content, tmp_path, db_url):
    """Orders taken by both workers of a server while a command records failed verifications: one chain, every
    event in it once, read alike by the command line."""
    csdb = server_csdb(content, tmp_path / "csdb", database=db_url)
    unsigned = next(csdb.glob("DMC-*.XML"))
    with Server(csdb, "--workers", "2") as server:
        orders: list[int] = []
        answers: list[str] = []

        def technician(name: str) -> None:
            client = login(server.url, name)
            for _ in range(6):
                r = submit(client, fuel_filter())
                if r.status_code == 201:
                    orders.append(r.json()["order"]["id"])
                else:
                    answers.append(f"{r.status_code}: {r.text[:300]}")

        threads = [threading.Thread(target=technician, args=(n,)) for n in ("ivan", "petr")]
        for t in threads:
            t.start()
        for _ in range(3):
            assert ietm("verify", unsigned).code == 15
        for t in threads:
            t.join()
    assert answers == []
    log = audit_log_for(csdb)
    entries = log.entries()
    assert sorted(e["order"] for e in entries if e["event"] == "order-submitted") == sorted(orders) and len(orders) == 12
    assert [e["event"] for e in entries].count("verify-failed") == 3
    r = ietm("audit", "verify", csdb, "--format", "json")
    assert r.code == 0 and json.loads(r.out)["entries"] == len(entries) == 15, r.out
    assert isinstance(log, DatabaseLog) and [e["seq"] for e in entries] == list(range(1, 16))
    with log.open().read() as conn:
        assert conn.execute(select(audit_entries.c.seq).order_by(audit_entries.c.seq.desc())).first()[0] == 15
