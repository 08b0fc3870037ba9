"""Page order: requests interleaved over hosts so that every fetch batch uses every host."""

from __future__ import annotations

from connectors import PageRequest, interleave_by_host


def _request(host: str, n: int) -> PageRequest:
    return PageRequest(source=f"feed-{host}", url=f"http://{host}/a/{n}.html")


def test_requests_are_interleaved_round_robin_and_keep_each_hosts_order() -> None:
    requests = [_request("A.example", n) for n in range(3)] + [
        _request("b.example", n) for n in range(2)
    ]
    requests.append(_request("a.example", 3))  # host names are case-insensitive

    ordered = interleave_by_host(requests)

    assert [r.url for r in ordered] == [
        "http://A.example/a/0.html",
        "http://b.example/a/0.html",
        "http://A.example/a/1.html",
        "http://b.example/a/1.html",
        "http://A.example/a/2.html",
        "http://a.example/a/3.html",
    ]


def test_interleaving_keeps_every_request_exactly_once() -> None:
    requests = [_request(f"h{n % 7}.example", n) for n in range(50)]

    ordered = interleave_by_host(requests)

    assert sorted(r.url for r in ordered) == sorted(r.url for r in requests)
    assert len(ordered) == len(requests)
