"""Shared fixtures: the real S1000D reference data, read in place from ../shared/s1000d."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "s1000d"
RUN_CACHE = "IETM_TEST_RUN_CACHE"


def pytest_configure(config: pytest.Config) -> None:
    """Give this run of the suite a user cache of its own (ietm keeps the catalog and index of a read-only CSDB,
    such as the shared Bike set, there), so that runs from several checkouts at once never share or break
    each other's caches, and nothing of a run outlives it. xdist workers inherit it from the controller."""
    if RUN_CACHE not in os.environ:
        folder = tempfile.mkdtemp(prefix="ietm-test-cache-")
        config.stash[_OWN_CACHE] = (folder, os.environ.get("XDG_CACHE_HOME"))
        os.environ[RUN_CACHE] = os.environ["XDG_CACHE_HOME"] = folder
    if SHARED.is_dir():
        config.stash[_SHARED_BEFORE] = _snapshot(SHARED)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, functools.partial(_terminated, os.getpid()))


def _terminated(pid: int, signum: int, frame: object) -> None:
    """SIGTERM (a cancelled CI job, `timeout`, `kill`) ends the session as Ctrl-C does, so that every fixture's
    cleanup still runs: servers and the PostgreSQL cluster stopped, temporary folders removed (by default the
    process died at once and left them running). A second SIGTERM kills at once, and so does the first in a
    process forked from the run (a worker pool's), as it would without this handler."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if os.getpid() != pid:
        os.kill(os.getpid(), signal.SIGTERM)
        return
    pytest.exit("terminated by SIGTERM: cleaning up", returncode=128 + signum)


def pytest_unconfigure(config: pytest.Config) -> None:
    own = config.stash.get(_OWN_CACHE, None)
    if own:
        folder, before = own
        shutil.rmtree(folder, ignore_errors=True)
        del os.environ[RUN_CACHE]
        if before is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = before


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The reference data is read in place and never written: a run that changed it fails, naming what changed."""
    before = session.config.stash.get(_SHARED_BEFORE, None)
    if before is None or hasattr(session.config, "workerinput"):
        return
    after = _snapshot(SHARED)
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    if changed:
        session.config.get_terminal_writer().line(f"ERROR: the run changed {SHARED}: {', '.join(changed[:10])}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_OWN_CACHE = pytest.StashKey[tuple[str, str | None]]()
_SHARED_BEFORE = pytest.StashKey[dict]()


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(size, modification time) of every file and folder under `root`."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            st = os.lstat(os.path.join(folder, name))
            out[os.path.relpath(os.path.join(folder, name), root)] = (st.st_size, st.st_mtime_ns)
    return out


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"reference data missing: {path} (the S1000D material must sit in ../shared/s1000d)")
    return path


@pytest.fixture(scope="session")
def shared() -> Path:
    return _need(SHARED)


@pytest.fixture(scope="session")
def bike(shared: Path) -> Path:
    return _need(shared / "4.2" / "bike")


@pytest.fixture(scope="session")
def schemas42(shared: Path) -> Path:
    return _need(shared / "4.2" / "schemas" / "xml_schema_flat")


@pytest.fixture(scope="session")
def schemas50(shared: Path) -> Path:
    return _need(shared / "5.0" / "schemas" / "xml_schema_flat")


@pytest.fixture(scope="session")
def brex42(shared: Path) -> Path:
    return _need(shared / "4.2" / "brex")


@pytest.fixture(scope="session")
def brex50(shared: Path) -> Path:
    return _need(shared / "5.0" / "brex")


@pytest.fixture(scope="session")
def content() -> Path:
    return _need(ROOT / "content")


@pytest.fixture
def bike_copy(bike: Path, tmp_path: Path) -> Path:
    """A writable copy of the Bike set, for tests that break or change files."""
    dest = tmp_path / "bike"
    shutil.copytree(bike, dest, ignore=shutil.ignore_patterns(".*"))  # not another run's caches
    # the shared data carries no write bits; a working copy must be writable like a writer's CSDB
    for p in [dest, *dest.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    return dest


#: `IETM_TEST_DATABASE=postgresql pytest ...` runs every server (and command) the tests start on PostgreSQL:
#: each CSDB without a `[server] database` gets a fresh database of its own, on one PostgreSQL server this test
#: process starts and always stops (ietm.paths.TEST_POSTGRES); the default is SQLite, where the
#: tests below that take `db_url` run on both (issue 15)
TEST_DATABASE = os.environ.get("IETM_TEST_DATABASE", "sqlite")
if TEST_DATABASE not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"IETM_TEST_DATABASE={TEST_DATABASE!r}: give sqlite or postgresql")


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server (Debian's) for this test process, stopped at the end whatever happened."""
    from pgserver import Postgres

    server = Postgres()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", autouse=True)
def _server_database(request):
    """Under IETM_TEST_DATABASE=postgresql, the PostgreSQL server every CSDB's server database is made on."""
    if TEST_DATABASE != "postgresql":
        yield
        return
    from ietm.paths import TEST_POSTGRES

    os.environ[TEST_POSTGRES] = request.getfixturevalue("postgres").admin_url
    try:
        yield
    finally:
        os.environ.pop(TEST_POSTGRES, None)


#: the databases the tests that take `db_url` run on: both by default, only PostgreSQL under the switch
DATABASES = ["sqlite", "postgresql"] if TEST_DATABASE == "sqlite" else ["postgresql"]


def _database_url(request) -> str:
    """"" for the default (SQLite in the CSDB's state folder), else a fresh PostgreSQL database's URL."""
    return "" if request.param == "sqlite" else request.getfixturevalue("postgres").new_database()


@pytest.fixture(params=DATABASES)
def db_url(request) -> str:
    """`[server] database` for one test: the server tests run on SQLite and on PostgreSQL alike."""
    return _database_url(request)


@pytest.fixture(scope="module", params=DATABASES)
def module_db_url(request) -> str:
    """`[server] database` for a module's shared server, on SQLite and on PostgreSQL alike."""
    return _database_url(request)


#: Debian's Chromium, headless, with the background services that would try the (closed) network turned off
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """A real browser for the tests of one module (Playwright driving Debian's Chromium)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


SCREENSHOTS = ROOT / "tests" / "screenshots"


@pytest.fixture
def page(browser, base):
    """A tablet-sized page on the module's `base` URL; any script error on it fails the test."""
    context = browser.new_context(viewport={"width": 1024, "height": 1366}, base_url=base, accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, errors


@pytest.fixture
def shot():
    """Save a screenshot of a page for review (tests/screenshots/, not committed)."""

    def take(pg, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)

    return take
