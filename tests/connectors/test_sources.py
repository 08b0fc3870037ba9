"""sources.yaml validation: good files load, every bad entry names file, entry and field."""

from __future__ import annotations

import pytest

from connectors import Source, SourcesError, read_sources
from connectors.sources import parse_sources
from tests.conftest import ROOT


def test_the_bundled_sources_file_is_valid_and_names_are_unique() -> None:
    sources = read_sources(ROOT / "sources.yaml")
    assert len(sources) >= 20
    assert all(s.url.startswith("https://") for s in sources)


def test_an_empty_list_is_valid() -> None:
    assert parse_sources("sources: []\n") == []


def test_defaults_fill_optional_fields() -> None:
    [source] = parse_sources("sources:\n  - {name: Lab, url: 'https://lab.example/feed'}\n")
    assert source == Source("Lab", "https://lab.example/feed", "auto", (), 60, True)


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        pytest.param("{url: 'https://a.example/'}", "name", id="missing-name"),
        pytest.param("{name: A}", "url", id="missing-url"),
        pytest.param("{name: A, url: 'ftp://u:p@a.example/'}", "url", id="scheme-with-login"),
        pytest.param("{name: A, url: 'https://a.example/', kind: xml}", "kind", id="kind"),
        pytest.param("{name: A, url: 'https://a.example/', tags: x}", "tags", id="tags"),
        pytest.param(
            "{name: A, url: 'https://a.example/', interval_minutes: 5}", "interval_minutes", id="5"
        ),
        pytest.param(
            "{name: A, url: 'https://a.example/', enabled: 'no'}", "enabled", id="enabled"
        ),
        pytest.param("{name: A, url: 'https://a.example/', colour: red}", "colour", id="unknown"),
    ],
)
def test_a_bad_field_is_named(entry: str, field: str) -> None:
    with pytest.raises(SourcesError) as caught:
        parse_sources(
            f"sources:\n  - {{name: Ok, url: 'https://ok.example/'}}\n  - {entry}\n", "s.yaml"
        )
    assert (caught.value.path, caught.value.field) == ("s.yaml", field)
    assert caught.value.entry is not None and caught.value.entry.startswith("sources[1]")


def test_duplicate_names_are_refused() -> None:
    text = "sources:\n  - {name: A, url: 'https://a.example/'}\n  - {name: a, url: 'https://b.example/'}\n"
    with pytest.raises(SourcesError, match="duplicate"):
        parse_sources(text)


@pytest.mark.parametrize("text", ["sources: {}\n", "feeds: []\n", "sources: [\n", "- a\n"])
def test_a_malformed_file_is_refused(text: str) -> None:
    with pytest.raises(SourcesError):
        parse_sources(text)
