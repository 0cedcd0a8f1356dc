"""The ietm server a bundle sends to (`[bundle] server`): checked once, the same for every feature."""

from __future__ import annotations

from urllib.parse import urlsplit

from ietm.errors import ConfigError


def bundle_server(config) -> str:
    """The configured server as a base URL without a trailing slash; "" when none; ConfigError when not http(s)."""
    value = (config.get("bundle.server") or "").strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or parts.username:
        raise ConfigError(f"bundle.server: {value!r} is not the address of a server (https://host[:port][/path])")
    return value
