"""What a published bundle needs to send orders to the server named by `[bundle] server`.

The bundle's pages say where to send (<meta name="ietm-server">, read by viewer/static/js/orders.js) and carry a
Content-Security-Policy (the server's own, in a <meta> tag) whose connect-src allows exactly that server besides
the bundle itself; the server in turn lets the bundle's origin in by `orders.allowed_origins`
(ietm.orders.web.BundleCors).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import escape

from ietm.deliver.server import bundle_server
from ietm.web import security


def head(config, script_hashes: list[str]) -> str:
    """The <meta> tags of the pages of a bundle that sends to a server: where to, and the policy that lets the
    pages fetch from there and from nowhere else but the bundle; "" for a bundle that only exports orders."""
    server = bundle_server(config)
    if not server:
        return ""
    policy = security.bundle_csp(script_hashes, server + "/" if urlsplit(server).path else server)
    return (f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">\n'
            f'<meta name="ietm-server" content="{escape(server)}">\n')
