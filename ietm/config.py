"""Settings, declared once with default and help; read from `ietm.toml`, found by walking up from the CSDB.

Relative paths in `ietm.toml` are relative to the file itself, so a CSDB and its settings travel together.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ietm.errors import ConfigError

CONFIG_NAME = "ietm.toml"
log = logging.getLogger("ietm")


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    default: Any
    kind: type
    help: str
    is_path: bool = False

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"


SETTINGS: tuple[Setting, ...] = (
    Setting("schemas", "dirs", [], list, "Folders holding XML Schemas, searched by file name (any letter case).", True),
    Setting("schemas", "catalogs", [], list, "OASIS XML catalogs that map schema URLs to local files.", True),
    Setting("brex", "default", [], list, "Default BREX data modules (files or folders), used per S1000D issue; for an issue without one, ietm's built-in S1000D default rules.", True),
    Setting("brex", "nonfailing", ["brsl02", "brsl03"], list, "brSeverityLevel values reported as warnings, not errors."),
    Setting("check", "jobs", 0, int, "Worker processes for bulk work; 0 means one per core."),
    Setting("serve", "host", "127.0.0.1", str, "Address the viewer listens on."),
    Setting("serve", "port", 8000, int, "Port the viewer listens on."),
    Setting("serve", "language", "ru", str, "Interface language (ru or en) when the browser asks for neither."),
    Setting("serve", "workers", 1, int, "Worker processes of `ietm serve`; they share sessions, throttling and changes through the server database."),
    Setting("serve", "anonymous_read", True, bool, "Whether people who are not logged in may read the manual."),
    Setting("sign", "trust", [], list, "Trusted CA and signer certificates (PEM files or folders); empty means signing/trust/.", True),
    Setting("sign", "crl", [], list, "Certificate revocation lists honoured when verifying signatures.", True),
    Setting("sign", "policy", "", str, "Signing policy (TOML), relative to ietm.toml; empty means signing/policy.toml."),
    Setting("sign", "external", "", str, "External signer (a CIPF's command line) for `ietm sign --external`: {file} is the file to sign, {signature} where it writes the detached CMS signature (else its standard output)."),
    Setting("serve", "max_upload_mb", 64, int, "Largest request body (an upload) the server accepts, in MiB."),
    Setting("register", "folder", "", str, "The signing register (holders of signing keys, approval routes), relative to ietm.toml; empty means none is kept and any trusted signer may sign."),
    Setting("route", "default", ["Разработал", "Проверил", "Т. контр.", "Н. контр.", "Утвердил"], list, "ESKD approval route: the roles that sign an object, in order, where a register is kept."),
    Setting("route", "kinds", {}, dict, "Routes for particular kinds of object (dm, pm, release ...), e.g. {release = [\"Утвердил\"]}; others follow the default."),
    Setting("route", "qa", {"Проверил": "first", "Т. контр.": "second"}, dict, "The S1000D QA status a module gets at a step of its route: role = first or second (verification)."),
    Setting("server", "database", "", str, "The server's own database (accounts, orders, register ...): a SQLAlchemy URL such as postgresql://user@host/ietm; empty means SQLite in <csdb>/.ietm/server.sqlite."),
    Setting("server", "trusted_proxies", [], list, "Reverse proxies (addresses or networks) whose X-Forwarded-For names the client; empty trusts none."),
    Setting("bundle", "server", "", str, "Address of the ietm server delivered bundles send to (https://host:port): receipts and usage; empty: they send nothing."),
    Setting("usage", "report", False, bool, "Whether the viewer and the bundles report which modules are opened, procedures completed, faults isolated and remarks made (seen at /usage); who did it stays on the server."),
    Setting("orders", "max_quantity", 1000, int, "Largest quantity one order line may ask for; more is refused as a mistake."),
    Setting("orders", "erp_url", "", str, "ERP endpoint that receives each approved order as a JSON POST (Idempotency-Key header); empty keeps them in the outbox."),
    Setting("orders", "erp_token_env", "", str, "Environment variable holding a bearer token for the ERP endpoint; empty sends none."),
    Setting("orders", "erp_timeout", 10, int, "Seconds to wait for the ERP's answer before the delivery counts as failed and is retried."),
    Setting("orders", "erp_attempts", 8, int, "Attempts at delivering one order before it is marked failed on the supply desk."),
    Setting("orders", "erp_backoff_ms", 2000, int, "Wait before the first retry, in milliseconds; doubled after each failure."),
    Setting("orders", "erp_backoff_max", 600, int, "Longest wait between two attempts, in seconds."),
    Setting("orders", "erp_poll", 5, int, "Seconds between two looks at the outbox by each server process."),
    Setting("orders", "allowed_origins", [], list, "Origins of published bundles (https://host:port) allowed to send orders to this server (CORS)."),
)


#: settings of earlier versions: still accepted (with a warning saying what replaced them) so that an upgrade
#: moves forward instead of stopping; their values are kept in `Config.retired` for what moves the data forward
RETIRED: dict[str, str] = {
    "serve.accounts": "accounts now live in the server database ([server] database); this file is moved into it once",
    "sign.audit": "the audit log now lives in the server database ([server] database); this file is carried into it once",
}


@dataclass
class Config:
    """The effective settings; `source` is the ietm.toml they came from, if any."""

    values: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None
    retired: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        return self.values[name]

    def paths(self, name: str) -> list[Path]:
        return [Path(p) for p in self.values[name]]


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        f = candidate / CONFIG_NAME
        if f.is_file():
            return f
    return None


def load_config(start: Path | None = None, explicit: Path | None = None) -> Config:
    """Defaults, overlaid with ietm.toml (explicit, or found from `start` upwards)."""
    values = {s.name: s.default for s in SETTINGS}
    source = explicit or (find_config(start) if start is not None else None)
    if source is None:
        return Config(values, None)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("settings file not found", str(source)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", str(source)) from None
    known = {s.name: s for s in SETTINGS}
    retired: dict[str, Any] = {}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"'{section}' must be a table like [{section}]", str(source))
        for key, value in table.items():
            name = f"{section}.{key}"
            setting = known.get(name)
            if name in RETIRED:
                log.warning("%s: setting '%s' is retired: %s", source, name, RETIRED[name])
                retired[name] = value
                continue
            if setting is None:
                raise ConfigError(f"unknown setting '{name}'; known: {', '.join(sorted(known))}", str(source))
            if not isinstance(value, setting.kind) or (setting.kind is int and isinstance(value, bool)):
                raise ConfigError(
                    f"'{name}' expects {setting.kind.__name__}, got {type(value).__name__} {value!r}", str(source)
                )
            if setting.is_path:
                value = [str((source.parent / os.path.expanduser(v)).resolve()) for v in value]
            values[name] = value
    return Config(values, source, retired)
