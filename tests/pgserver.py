"""A real PostgreSQL server for the tests: Debian's, in a temporary folder, on a free loopback port.

PostgreSQL refuses to run as root, so under root it runs as the `postgres` user. It is started once per test
process (`postgres` fixture, tests/conftest.py), each test gets a database of its own, and it is stopped
(immediate shutdown, folder removed) when the session ends, whatever happened.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from webserver import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class Postgres:
    def __init__(self) -> None:
        bins = _bin_dir()
        if bins is None:
            raise RuntimeError("PostgreSQL is not installed: `make system-deps` installs Debian's postgresql")
        self.bins = bins
        self.root = Path(tempfile.mkdtemp(prefix="ietm-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.running = False

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[-2000:]}")

    def start(self) -> None:
        self._run(str(self.bins / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-sync")
        # durability is not what these tests measure: fsync off keeps them quick on a loaded machine
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self.running = True
        atexit.register(self.stop)  # also when the session ends without the fixture's finaliser
        self._run(str(self.bins / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "-t", "120", "start", timeout=180)

    def stop(self) -> None:
        if self.running:
            self.running = False
            try:
                self._run(str(self.bins / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
            except (RuntimeError, subprocess.TimeoutExpired):
                pid_file = self.data / "postmaster.pid"
                if pid_file.exists():
                    subprocess.run(["kill", "-9", pid_file.read_text().split()[0]], check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        """A fresh, empty database; its URL as `[server] database` takes it."""
        name = f"ietm_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"
