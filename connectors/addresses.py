"""Where newsflow may connect: URL rules and the public-address check behind the SSRF guard."""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit, urlunsplit

from connectors.errors import FetchError
from connectors.settings import MAX_URL_LENGTH

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# shared/notes/reliability-security.md §3.2. `is_global` alone misses several of these
# (multicast, NAT64, 6to4 on Python < 3.13, IPv4-compatible, site-local), so they are explicit.
_REFUSED = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "::/96",
        "::ffff:0:0/96",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/32",
        "2001:db8::/32",
        "2002::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """Read a comma-separated list of CIDRs (``NEWSFLOW_ALLOWED_NETWORKS``).

    Raises:
        ValueError: an item is not a network.
    """
    networks = []
    for item in text.split(","):
        if item.strip():
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                raise ValueError(f"{item.strip()!r} is not a network in CIDR notation") from None
    return tuple(networks)


def is_allowed_address(address: str, allowed: Iterable[IPNetwork] = ()) -> bool:
    """True when ``address`` is public, or inside one of the ``allowed`` networks.

    IPv4-mapped addresses are judged by the IPv4 address inside them; the
    other IPv6 transition prefixes (NAT64, 6to4, Teredo, IPv4-compatible) are
    refused outright, since each can carry a private IPv4 address.
    """
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip.version == net.version and ip in net for net in allowed):
        return True
    if not ip.is_global or ip.is_multicast:
        return False
    return not any(ip.version == net.version and ip in net for net in _REFUSED)


def check_url(url: str) -> str:
    """Apply the URL rules that hold before any network activity; return the URL.

    Raises:
        FetchError: ``invalid_url`` (too long, no host, user info, unparsable)
            or ``blocked_scheme`` (anything but http and https).
    """
    if len(url) > MAX_URL_LENGTH:
        raise FetchError("invalid_url", url[:200] + "…", f"URL longer than {MAX_URL_LENGTH}")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError as error:
        raise FetchError("invalid_url", url, f"unparsable URL ({error})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("blocked_scheme", url, f"scheme {parts.scheme or '(none)'!r} refused")
    if parts.username is not None or parts.password is not None:
        raise FetchError("invalid_url", url, "URLs with user info are refused")
    if not host:
        raise FetchError("invalid_url", url, "URL has no host")
    return url


def split_user_info(url: str) -> tuple[str, str | None]:
    """A configured feed URL's credentials as a Basic ``Authorization`` header value.

    ``http://user:pass@host/feed`` -> (``http://host/feed``, ``"Basic dXNlcjpwYXNz"``);
    a URL without user info comes back as it is, with ``None``. Only sources.yaml may
    carry user info: requests themselves never do (``check_url`` refuses it).

    Raises:
        FetchError: ``invalid_url`` when the URL does not parse.
    """
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise FetchError("invalid_url", url, f"unparsable URL ({error})") from None
    if "@" not in parts.netloc:
        return url, None
    user_info, _, host = parts.netloc.rpartition("@")
    user, _, password = user_info.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode("ascii")
    return urlunsplit(parts._replace(netloc=host)), f"Basic {token}"
