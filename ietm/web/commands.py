"""`ietm serve`: the web manual on one CSDB."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import click

from ietm.config import load_config
from ietm.errors import ConfigError
from ietm.paths import CONTENT


def check_port(host: str, port: int) -> None:
    """Fail in one line before the CSDB is opened, rather than after, when the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@click.command()
@click.argument("csdb", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--host", default=None, help="Address to listen on (setting serve.host; default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (setting serve.port; default 8000).")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Worker processes (setting serve.workers; default 1); they share state through the server database.")
@click.option("--watch", is_flag=True, help="Live preview: re-check and re-index changed files, refresh open pages.")
def serve(csdb: Path | None, host: str | None, port: int | None, workers: int | None, watch: bool) -> None:
    """Serve CSDB as an interactive web manual (default: the project's sample manual in content/).

    Pages: / (manuals), /pm/<pm code>, /dm/<data module code>[?issue=NNN-NN], /icn/<file>;
    JSON API under /api (OpenAPI at /docs).
    """
    import uvicorn

    folder = (csdb or CONTENT).resolve()
    config = load_config(folder)
    host = host or config.get("serve.host")
    port = port if port is not None else config.get("serve.port")
    workers = workers or config.get("serve.workers")
    check_port(host, port)
    # X-Forwarded-For is read by the app itself, from trusted proxies only ([server] trusted_proxies)
    options = {"host": host, "port": port, "log_level": "info", "proxy_headers": False}
    said = f"Serving {folder} at http://{host}:{port}/{' with live preview' if watch else ''}"
    if workers == 1:
        from ietm.web.app import create_app

        app = create_app(folder, config)
        if watch:
            from ietm.web.changes import start_watcher

            start_watcher(app)
        click.echo(f"{said} (Ctrl+C to stop)")
        uvicorn.run(app, **options)
        return
    from ietm.catalog import Catalog
    from ietm.serverdb import server_database

    # a CSDB or a database that cannot be served stops here, in one line, not in every worker; the catalog is
    # brought up to date and the database migrated once, before the workers start
    Catalog.open(folder).refresh()
    server_database(folder, config).dispose()
    os.environ.update(IETM_CSDB=str(folder), IETM_WATCH="1" if watch else "0")
    click.echo(f"{said}, {workers} workers (Ctrl+C to stop)")
    # a worker busy with a long reload must not be taken for a hung one: a generous health check
    uvicorn.run("ietm.web.asgi:app", workers=workers, timeout_worker_healthcheck=60, **options)
