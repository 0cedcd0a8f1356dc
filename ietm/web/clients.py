"""Who is on the other end: the client's address, taken from `X-Forwarded-For` only behind a trusted proxy.

Behind a reverse proxy every request comes from the proxy's address, so throttling by peer address would
throttle the whole organisation at once; yet a header anyone can send must not choose the address either.
So the header is read only when the peer is one of `[server] trusted_proxies`, from the right (the entry the
nearest proxy added) leftwards past every further trusted proxy, as nginx's real_ip_recursive does.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from ietm.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """`[server] trusted_proxies` as networks; a wrong entry stops start-up with one line naming it."""
    out = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            raise ConfigError(f"server.trusted_proxies: {entry!r} is not an address or network") from None
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy that says whom it forwards."""
    def is_trusted(addr) -> bool:
        return addr is not None and any(addr in net for net in trusted)

    address = _address(peer or "")
    if not is_trusted(address) or not forwarded_for:
        return peer or "unknown"
    for hop in reversed(forwarded_for.split(",")):
        hop_address = _address(hop)
        if hop_address is None:
            break  # garbage in the header: the last proxy that spoke sensibly is as far as we can see
        address = hop_address
        if not is_trusted(hop_address):
            break
    return str(address)
