"""What a command changes in the CSDB reaches every running server worker at its next request (issue 15): a
writer edits a file by hand and runs `ietm validate`, imports a Word document, starts a module with `ietm new`,
while `ietm serve` runs without --watch; the command's catalog refresh records the change in the server
database's change log, which every worker follows. A CSDB no server ever ran on is left without a server
database, and a server database that cannot be reached costs the command one line, not its work."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from clirun import ietm
from docgen import short_manual
from ietm.accounts import open_accounts
from ietm.paths import TEST_POSTGRES
from ietm.config import load_config
from ietm.paths import state_dir
from ietm.serverdb import database_url
from liveserver import Server, serving_workers
from test_site_update import _issue_served
from test_workers import PASSWORD, _issue, _login
from webserver import free_port

MODULE = "DMC-DGEN-A-D10-10-00-00A-040A-A"
TITLE = "Lubrication system"


@pytest.fixture(scope="module")
def csdb(content: Path, tmp_path_factory, module_db_url: str) -> Path:
    root = tmp_path_factory.mktemp("command-changes") / "csdb"
    shutil.copytree(content, root, ignore=shutil.ignore_patterns(".ietm"))
    (root / "ietm.toml").write_text(f'[server]\ndatabase = "{module_db_url}"\n')
    accounts = open_accounts(root)
    accounts.add("writer", "writer", PASSWORD)
    accounts.db.dispose()
    return root


@pytest.fixture(scope="module")
def server(csdb: Path):
    """`ietm serve` with two workers and no --watch: only the change log tells it of a change."""
    with serving_workers(csdb) as server:
        yield server


def _answers(server: Server, path: str, times: int = 12) -> list[httpx.Response]:
    """One request per new connection, so that either worker may answer each."""
    out = []
    for _ in range(times):
        with httpx.Client(base_url=server.url, timeout=60, limits=httpx.Limits(max_keepalive_connections=0)) as c:
            out.append(c.get(path))
    return out


def _retitle(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert f"<techName>{old}</techName>" in text
    path.write_text(text.replace(f"<techName>{old}</techName>", f"<techName>{new}</techName>", 1), encoding="utf-8")


def test_a_hand_edit_validated_shows_on_every_worker(server: Server, csdb: Path):
    address = f"/api/dm/{MODULE[4:]}"
    assert {r.json()["title"] for r in _answers(server, address)} == {f"{TITLE} - Description"}
    _retitle(csdb / f"{MODULE}_001-00_en-US.XML", TITLE, "Oil circuit")
    # without a command, a server without --watch does not look at the files
    assert {r.json()["title"] for r in _answers(server, address, 4)} == {f"{TITLE} - Description"}
    done = ietm("validate", csdb / f"{MODULE}_001-00_en-US.XML")
    assert done.code in (0, 1), done.err  # valid or not, the catalog is brought up to date
    assert "servers" not in done.err
    assert {r.json()["title"] for r in _answers(server, address)} == {"Oil circuit - Description"}
    # so with any command that brings the catalog up to date
    _retitle(csdb / f"{MODULE}_001-00_en-US.XML", "Oil circuit", "Oil pump")
    done = ietm("index", csdb)
    assert done.code == 0, done.err
    assert {r.json()["title"] for r in _answers(server, address)} == {"Oil pump - Description"}


def test_an_imported_and_a_new_module_show_on_every_worker(server: Server, csdb: Path, tmp_path: Path):
    source = tmp_path / "short manual.docx"
    short_manual(source, "en")
    done = ietm("import", source, "-o", csdb, "--model-ident-code", "NOTIFY", "--lang", "en-US")
    assert done.code in (0, 1), done.out + done.err
    imported = sorted(csdb.rglob("DMC-NOTIFY-*.XML"))
    assert imported, done.out
    code = imported[0].name.split("_")[0][4:]
    assert {r.status_code for r in _answers(server, f"/api/dm/{code}")} == {200}

    made = ietm("new", "dm", "--code", "DGEN-A-D10-10-00-00A-520A-A", "--type", "procedural",
                "--title", "Oil filter - Remove procedure", "-o", csdb)
    assert made.code == 0, made.err
    answers = _answers(server, "/api/dm/DGEN-A-D10-10-00-00A-520A-A")
    assert {(r.status_code, r.json()["title"]) for r in answers} == {(200, "Oil filter - Remove procedure")}


def test_commands_and_uploads_at_the_same_time_all_reach_every_worker(server: Server, csdb: Path, content: Path):
    """A writer uploads new issues through the server while another edits a module by hand and runs a command
    each time: the catalog takes each change in once, from whichever refresh comes first, and whichever records
    it, every worker ends up showing all of them."""
    other = "DMC-DGEN-A-D00-00-00-00A-001A-A"
    uploaded: list[int] = []

    def upload() -> None:
        client, form = _login(server.url)
        for n in range(20, 25):
            name, data = _issue(content, n)
            assert client.post("/upload", files={"files": (name, data)}, data={"csrf": form}).status_code == 200
            uploaded.append(n)

    writer = threading.Thread(target=upload)
    writer.start()
    try:
        path = csdb / f"{other}_001-00_en-US.XML"
        title = re.search(r"<techName>([^<]*)</techName>", path.read_text(encoding="utf-8")).group(1)
        for n in range(5):
            _retitle(path, title, f"Hand edit {n}")
            title = f"Hand edit {n}"
            assert ietm("scan", csdb).code == 0
    finally:
        writer.join()
    assert uploaded == [20, 21, 22, 23, 24]
    assert {r.json()["issue"] for r in _answers(server, f"/api/dm/{MODULE[4:]}")} == {"024-00"}
    assert {r.json()["title"].split(" - ")[0] for r in _answers(server, f"/api/dm/{other[4:]}")} == {"Hand edit 4"}


def test_a_command_on_a_csdb_no_server_ran_on_makes_no_server_database(content: Path, tmp_path: Path):
    root = tmp_path / "csdb"
    shutil.copytree(content, root, ignore=shutil.ignore_patterns(".ietm"))
    assert ietm("scan", root).code == 0
    _retitle(root / f"{MODULE}_001-00_en-US.XML", TITLE, "Oil circuit")
    done = ietm("validate", root)
    assert done.code in (0, 1) and "servers" not in done.err
    assert ietm("scan", root).code == 0
    state = state_dir(root)
    assert (state / "catalog.sqlite").is_file() and not (state / "server.sqlite").exists()
    # and a refresh that found a change there costs no loading of the database libraries
    _retitle(root / f"{MODULE}_001-00_en-US.XML", "Oil circuit", "Oil pump")
    code = (f"import sys; from ietm.catalog import Catalog; assert Catalog.open({str(root)!r}).refresh().changed; "
            "print('sqlalchemy' in sys.modules)")
    alone = {k: v for k, v in os.environ.items() if k != TEST_POSTGRES}  # no server database anywhere
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=alone).stdout == "False\n"
    # under the tests' PostgreSQL switch, no stand-in database was made either
    assert database_url(load_config(root), state, create=False) in ("", f"sqlite:///{state / 'server.sqlite'}")


def test_an_unreachable_server_database_costs_the_command_one_line(content: Path, tmp_path: Path):
    root = tmp_path / "csdb"
    shutil.copytree(content, root, ignore=shutil.ignore_patterns(".ietm"))
    (root / "ietm.toml").write_text(f'[server]\ndatabase = "postgresql://ietm@127.0.0.1:{free_port()}/ietm"\n')
    assert ietm("scan", root).code == 0  # a first scan finds every object new: told no one, said once
    _retitle(root / f"{MODULE}_001-00_en-US.XML", TITLE, "Oil circuit")
    done = ietm("scan", root, "--format", "json", env={**os.environ, "LC_ALL": "C.UTF-8"})
    assert done.code == 0, done.err
    assert '"parsed": 1' in done.out  # the command did its work
    assert re.fullmatch(r"warning: running servers of this CSDB were not told of 1 changed object\(s\) and show them "
                        r"after a restart or their next change \(.+\)\n", done.err), done.err
    _retitle(root / f"{MODULE}_001-00_en-US.XML", "Oil circuit", "Oil pump")
    done = ietm("scan", root, env={**os.environ, "LC_ALL": "ru_RU.UTF-8"})
    assert done.code == 0 and re.fullmatch(r"предупреждение: работающие серверы этой CSDB не узнали .+\n", done.err), done.err


def test_a_signature_made_by_a_command_is_recorded_for_the_servers(content: Path, tmp_path: Path, db_url: str):
    """`ietm sign` rewrites the module's QA status: the servers of its CSDB are told."""
    from sqlalchemy import select

    from ietm.parse import read_object
    from ietm.serverdb import server_database
    from ietm.serverdb.changes import csdb_changes
    from sign_support import build_pki

    root = tmp_path / "csdb"
    shutil.copytree(content, root, ignore=shutil.ignore_patterns(".ietm", "ietm.toml"))
    (root / "ietm.toml").write_text(f'[server]\ndatabase = "{db_url}"\n')
    server_database(root).dispose()  # as a server leaves it
    assert ietm("scan", root).code == 0
    module = next(m for m in sorted(root.glob("DMC-*_en-US.XML"))
                  if read_object(m).qa == "unverified" and not read_object(m).in_work)
    pki = build_pki(tmp_path / "pki")
    signed = ietm("sign", module, *pki.signer("qa"), "--trust", pki.ca, "--verification", "first")
    assert signed.code == 0, signed.err
    db = server_database(root)
    try:
        with db.read() as conn:
            last = conn.execute(select(csdb_changes.c.changed).order_by(csdb_changes.c.id.desc()).limit(1)).scalar()
    finally:
        db.dispose()
    assert last == [read_object(module).key]


def test_a_command_refresh_reaches_a_worker_in_process(content: Path, tmp_path: Path):
    """The same path without a server process: a command's refresh (a Catalog of its own) is what a worker's
    next request takes in, and a worker's own refresh of the file afterwards records nothing twice."""
    from ietm.catalog import Catalog
    from ietm.web.app import create_app
    from ietm.web.changes import refresh

    root = tmp_path / "csdb"
    shutil.copytree(content, root, ignore=shutil.ignore_patterns(".ietm"))
    reader = create_app(root)
    try:
        log = reader.state.changes
        assert _issue_served(reader) == "001-00"
        path = root / f"{MODULE}_001-00_en-US.XML"
        text = path.read_text(encoding="utf-8")
        issue5 = path.with_name(path.name.replace("_001-00_", "_005-00_"))
        issue5.write_text(re.sub(r'issueNumber="\d{3}"', 'issueNumber="005"', text, count=1), encoding="utf-8")
        before = log.latest()
        catalog = Catalog.open(root)  # as `ietm check` or `ietm index` open it
        try:
            assert MODULE in catalog.refresh().changed
        finally:
            catalog.close()
        assert log.latest() == before + 1 and log.since(before) == [MODULE]
        assert _issue_served(reader) == "005-00"
        refresh(reader, [])  # the worker's own rescan finds nothing new: nothing recorded
        assert log.latest() == before + 1
    finally:
        reader.state.db.dispose()
