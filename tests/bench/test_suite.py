"""The benchmark suite's smoke run: its loopback farm, its bound and its naive peer work."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from bench.__main__ import main
from bench.server import LoopbackFarm, Resource
from tests.conftest import shared_path


def test_farm_answers_a_repeated_conditional_request_with_304() -> None:
    with LoopbackFarm() as farm:
        site = farm.add_site({"/feed.xml": Resource(b"<rss/>", "application/rss+xml")})
        with httpx.Client(trust_env=False) as client:
            first = client.get(site.base_url + "/feed.xml")
            again = client.get(
                site.base_url + "/feed.xml", headers={"If-None-Match": first.headers["ETag"]}
            )
    assert (first.status_code, first.content, again.status_code, again.content) == (
        200,
        b"<rss/>",
        304,
        b"",
    )
    assert site.host.startswith("127.0.") and site.host != "127.0.0.1"
    assert dict(farm.statuses()) == {200: 1, 304: 1}


def test_quick_run_writes_the_bound_and_naive_figures(tmp_path: Path) -> None:
    corpus = shared_path("corpora", "extraction", "trafilatura-eval", "html")

    code = main(
        ["--quick", "--cases", "bound,naive", "--out", str(tmp_path), "--corpus", str(corpus)]
    )

    assert code == 0
    (result,) = tmp_path.glob("bench-*-quick.json")
    document = json.loads(result.read_text())
    values = {row["key"]: row["value"] for row in document["figures"]}
    assert values["2"] > 0 and values["3"] > 0 and values["3L"] > 0
    assert document["cases"]["naive"]["naive_articles"] == document["cases"]["naive"]["pages"]
