"""The address guard: every non-public range refused, alternative notations included."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.addresses import is_allowed_address, parse_networks

REFUSED = [
    "0.0.0.0",
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "100.100.100.200",
    "169.254.169.254",
    "192.0.0.8",
    "198.18.0.1",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "::ffff:127.0.0.1",
    "::127.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::",
    "2001:0:4136:e378::1",
    "fd00:ec2::254",
    "fe80::1%eth0",
    "fec0::1",
    "ff02::1",
    "not an address",
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_allowed_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_allowed_address(address)


def test_the_allowlist_exempts_only_its_networks() -> None:
    allowed = parse_networks("127.0.0.0/8")
    assert is_allowed_address("127.0.0.5", allowed)
    assert not is_allowed_address("10.0.0.1", allowed)
    assert not is_allowed_address("::1", allowed)


PRIVATE_NETWORKS = ["10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "100.64.0.0/10"]


@settings(max_examples=200, derandomize=True)
@given(
    st.sampled_from(PRIVATE_NETWORKS).flatmap(
        lambda net: st.ip_addresses(network=ipaddress.ip_network(net))
    )
)
def test_no_address_in_a_private_network_is_ever_allowed(address: object) -> None:
    assert not is_allowed_address(str(address))
