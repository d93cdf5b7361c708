"""The SSRF address filter: every IPv4 address an IPv6 address carries must be public, too.

Python 3.11's ``is_global`` calls NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses global
whatever they embed, so 64:ff9b::a9fe:a9fe reached 169.254.169.254 (the cloud metadata service).
"""
import ipaddress

import pytest
import urllib3

from app.media import fetch

METADATA = "169.254.169.254"
PUBLIC_V4 = "8.8.8.8"
PUBLIC_V6_PREFIX = "2a00:1450:4001:81c"  # a real global /64, for the interface-id embeddings


def nat64(v4):
    return str(ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(ipaddress.IPv4Address(v4))))


def nat64_local(v4):
    return str(ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b:1::")) | int(ipaddress.IPv4Address(v4))))


def sixtofour(v4):
    return str(ipaddress.IPv6Address((0x2002 << 112) | (int(ipaddress.IPv4Address(v4)) << 80) | 1))


def teredo(server, client):
    """2001:0:<server>:<flags>:<port>:<client, bits inverted> (RFC 4380)."""
    return str(ipaddress.IPv6Address((0x20010000 << 96) | (int(ipaddress.IPv4Address(server)) << 64)
                                     | (0x8000 << 48) | (0xFFFF << 32)
                                     | (int(ipaddress.IPv4Address(client)) ^ 0xFFFFFFFF)))


def compatible(v4):
    return str(ipaddress.IPv6Address(int(ipaddress.IPv4Address(v4))))


def translated(v4):
    return str(ipaddress.IPv6Address((0xFFFF << 48) | int(ipaddress.IPv4Address(v4))))


def isatap(v4, u_bit=False):
    return f"{PUBLIC_V6_PREFIX}:{'200' if u_bit else '0'}:5efe:{v4}"


NON_GLOBAL_V4 = {  # one of each kind the filter must refuse when it is embedded
    "link-local (metadata)": METADATA,
    "private": "10.0.0.7",
    "private 192.168": "192.168.1.1",
    "loopback": "127.0.0.1",
    "CGNAT": "100.64.0.1",
    "this network": "0.0.0.0",
    "reserved": "240.0.0.1",
    "multicast": "224.0.0.1",
    "broadcast": "255.255.255.255",
    "documentation": "192.0.2.45",
}
EMBEDDINGS = {
    "NAT64": nat64,
    "6to4": sixtofour,
    "Teredo client": lambda v4: teredo("65.54.227.120", v4),
    "Teredo server": lambda v4: teredo(v4, "8.8.4.4"),
    "IPv4-compatible": compatible,
    "IPv4-translated": translated,
    "ISATAP": isatap,
    "ISATAP (u bit)": lambda v4: isatap(v4, u_bit=True),
}

REFUSED = [
    # The report's two addresses.
    ("64:ff9b::a9fe:a9fe", METADATA),
    ("2002:a9fe:a9fe::", METADATA),
    # Every embedding kind with every kind of non-global IPv4 address inside.
    *[pytest.param(embed(v4), v4, id=f"{kind} {name}")
      for kind, embed in EMBEDDINGS.items() for name, v4 in NON_GLOBAL_V4.items()
      if (kind, v4) != ("IPv4-compatible", "0.0.0.0")],  # that is just "::", a control below
    # The local-use NAT64 prefix is this network's own translator: refused whatever it embeds.
    (nat64_local(PUBLIC_V4), "64:ff9b:1::/48"),
    (nat64_local(METADATA), "64:ff9b:1::/48"),
    ("64:ff9b:1:ffff::1", "64:ff9b:1::/48"),
    # Teredo is not global in itself, so even two public IPv4 addresses don't make it fetchable.
    (teredo("65.54.227.120", PUBLIC_V4), "is not a public address"),
    # IPv4-mapped (this one always worked).
    ("::ffff:169.254.169.254", METADATA),
    ("::ffff:10.0.0.7", "10.0.0.7"),
    # Plain controls.
    ("10.0.0.7", "10.0.0.7"),
    (METADATA, METADATA),
    ("127.0.0.1", "127.0.0.1"),
    ("100.64.0.1", "100.64.0.1"),
    ("224.0.0.1", "224.0.0.1"),
    ("0.0.0.0", "0.0.0.0"),
    ("::1", "::1"),
    ("::", "::"),
    ("fe80::1", "fe80::1"),
    ("fc00::1", "fc00::1"),
    ("fd12:3456::1", "fd12:3456::1"),
    ("ff0e::1", "ff0e::1"),
    ("2001:db8::1", "2001:db8::1"),
]

ALLOWED = [
    PUBLIC_V4,
    "93.184.216.34",
    "2a00:1450:4001:81c::200e",
    "2606:4700::6810:84e5",
    # A real NAT64 or 6to4 network in front of a public IPv4 host is fine.
    nat64(PUBLIC_V4),
    nat64("93.184.216.34"),
    sixtofour(PUBLIC_V4),
    compatible(PUBLIC_V4),
    translated(PUBLIC_V4),
    isatap(PUBLIC_V4),
    isatap(PUBLIC_V4, u_bit=True),
    "::ffff:8.8.8.8",
]


@pytest.mark.parametrize("ip, named", REFUSED)
def test_non_public_addresses_are_refused_naming_the_address_that_is_not_public(ip, named):
    with pytest.raises(fetch.FetchError) as refused:
        fetch.check_address(ip)
    assert named in refused.value.reason
    assert refused.value.reason.startswith("refused: ") and not refused.value.transient


@pytest.mark.parametrize("ip", ALLOWED)
def test_public_addresses_pass(ip):
    fetch.check_address(ip)
    fetch.check_address(ip, allow_loopback=True)


@pytest.mark.parametrize("ip", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_the_loopback_setting_admits_plain_loopback(ip):
    fetch.check_address(ip, allow_loopback=True)


@pytest.mark.parametrize("ip", [nat64("127.0.0.1"), sixtofour("127.0.0.1"), compatible("127.0.0.1"),
                                translated("127.0.0.1"), isatap("127.0.0.1"), teredo("127.0.0.1", PUBLIC_V4),
                                nat64_local("127.0.0.1"), "10.0.0.1", "fe80::1"])
def test_the_loopback_setting_admits_nothing_else(ip):
    with pytest.raises(fetch.FetchError):
        fetch.check_address(ip, allow_loopback=True)


@pytest.mark.parametrize("ip, kinds", [
    ("64:ff9b::a9fe:a9fe", [("NAT64", METADATA)]),
    ("2002:a9fe:a9fe::", [("6to4", METADATA)]),
    (teredo("65.54.227.120", "192.0.2.45"), [("Teredo server", "65.54.227.120"), ("Teredo client", "192.0.2.45")]),
    ("::a9fe:a9fe", [("IPv4-compatible", METADATA)]),
    ("::ffff:0:a9fe:a9fe", [("IPv4-translated", METADATA)]),
    (isatap(METADATA), [("ISATAP", METADATA)]),
    ("2a00:1450:4001:81c::200e", []),
    ("::1", []),
    ("::", []),
    ("10.0.0.1", []),
])
def test_embedded_ipv4_finds_each_kind(ip, kinds):
    found = fetch.embedded_ipv4(ipaddress.ip_address(ip))
    assert [(kind, str(v4)) for kind, v4 in found] == kinds


@pytest.mark.parametrize("url", ["http://[64:ff9b::a9fe:a9fe]/x.mp4", "http://[2002:a9fe:a9fe::]/x.mp4",
                                 "https://[::ffff:0:a9fe:a9fe]:8443/x.mp4"])
def test_a_url_with_an_embedded_private_address_is_refused_before_connecting(url, tmp_path, monkeypatch):
    connections = []
    monkeypatch.setattr(urllib3.util.connection, "create_connection",
                        lambda address, *args, **kwargs: connections.append(address))
    with pytest.raises(fetch.FetchError, match=f"{METADATA} is not a public address") as refused:
        fetch.download(url, tmp_path, fetch.Limits(allow_loopback=True))
    assert not refused.value.transient
    assert connections == [] and list(tmp_path.iterdir()) == []
