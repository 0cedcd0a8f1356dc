"""What a published bundle needs to send orders to the server named by `orders.server`.

The bundle's pages say where to send (<meta name="ietm-orders-server">, read by viewer/static/js/orders.js)
and carry a Content-Security-Policy (the server's own, in a <meta> tag) whose connect-src allows exactly that
server besides the bundle itself; the server in turn lets the bundle's origin in by `orders.allowed_origins`
(ietm.orders.web.BundleCors).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import escape

from ietm.errors import ConfigError
from ietm.web import security


def server_address(value: str) -> str:
    """The configured server as a base URL without a trailing slash; "" when none; ConfigError when not http(s)."""
    value = (value or "").strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or parts.username:
        raise ConfigError(f"orders.server: {value!r} is not the address of a server (https://host[:port][/path])")
    return value


def head(config, script_hashes: list[str]) -> str:
    """The <meta> tags of the pages of a bundle that sends orders: where to, and the policy that lets the pages
    fetch from there and from nowhere else but the bundle; "" for a bundle that only exports orders."""
    server = server_address(config.get("orders.server"))
    if not server:
        return ""
    policy = security.bundle_csp(script_hashes, server + "/" if urlsplit(server).path else server)
    return (f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">\n'
            f'<meta name="ietm-orders-server" content="{escape(server)}">\n')
