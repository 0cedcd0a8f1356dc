"""The client's address behind reverse proxies: X-Forwarded-For only from trusted proxies, read from the right."""

from __future__ import annotations

import pytest

from ietm.errors import ConfigError
from ietm.web.clients import client_address, trusted_networks

PROXIES = trusted_networks(["10.0.0.1", "192.168.0.0/16", "::1"])


@pytest.mark.parametrize(("peer", "header", "client"), [
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not a proxy: its header is anyone's guess
    ("10.0.0.1", None, "10.0.0.1"),  # a proxy's own request
    ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote itself stays on the left
    ("10.0.0.1", "198.51.100.1, 192.168.3.4", "198.51.100.1"),  # two proxies: past the inner one
    ("10.0.0.1", "192.168.3.4", "192.168.3.4"),  # only proxies: the farthest one
    ("10.0.0.1", "nonsense, 198.51.100.1", "198.51.100.1"),
    ("10.0.0.1", "198.51.100.1, nonsense", "10.0.0.1"),  # a hop that makes no sense ends the trust
    ("::1", "[2001:db8::5]:4711", "2001:db8::5"),
    ("10.0.0.1", "198.51.100.1:5555", "198.51.100.1"),
])
def test_client_address(peer, header, client):
    assert client_address(peer, header, PROXIES) == client


def test_no_trusted_proxies_means_no_header_is_believed():
    assert client_address("127.0.0.1", "198.51.100.1", ()) == "127.0.0.1"


def test_a_wrong_proxy_setting_is_one_line():
    with pytest.raises(ConfigError, match="'proxy.example' is not an address or network"):
        trusted_networks(["proxy.example"])
