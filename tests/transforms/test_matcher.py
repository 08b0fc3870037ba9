"""The phrase matcher: word boundaries, stems, hyphens and case folding."""

from __future__ import annotations

from transforms.matcher import PhraseMatcher, in_navigation


def _hits(matcher: PhraseMatcher[str], text: str) -> list[tuple[str, int]]:
    return [(hit.text, hit.start) for hit in matcher.iter_hits(text)]


def test_whole_words_only() -> None:
    matcher = PhraseMatcher([("AI", "ai")])
    assert _hits(matcher, "AI, OpenAI, AIs and FAIR; AI.") == [("AI", 0), ("AI", 26)]


def test_stem_matches_any_word_ending() -> None:
    matcher = PhraseMatcher([("regulat*", "r")], fold_case=True)
    assert _hits(matcher, "Regulators want regulation; deregulation not.") == [
        ("Regulators", 0),
        ("regulation", 16),
    ]


def test_compound_suffix_after_hyphen_keeps_the_name() -> None:
    matcher = PhraseMatcher([("Meta", "m")], hyphen_joins=True)
    assert _hits(matcher, "Meta-backed, Meta-analysis, Meta-Google, Zuck-Meta") == [
        ("Meta", 0),
        ("Meta", 28),
    ]


def test_name_after_a_lower_case_prefix_is_the_name() -> None:
    matcher = PhraseMatcher([("OpenAI", "o"), ("Claude", "c")], hyphen_joins=True)
    assert _hits(matcher, "ex-OpenAI staff, anti-OpenAI, Jean-Claude") == [
        ("OpenAI", 3),
        ("OpenAI", 22),
    ]


def test_hyphen_before_joins_only_when_asked() -> None:
    names = PhraseMatcher([("billion", "b")], hyphen_joins=True)
    terms = PhraseMatcher([("billion", "b")])
    assert _hits(names, "multi-billion") == []
    assert _hits(terms, "multi-billion") == [("billion", 6)]


def test_overlapping_phrases_yield_the_longest() -> None:
    matcher = PhraseMatcher([("GPT-4", "a"), ("GPT-4 Turbo", "b"), ("Turbo", "c")])
    assert [h.values for h in matcher.iter_hits("GPT-4 Turbo and GPT-4")] == [("b",), ("a",)]


def test_navigation_needs_three_capitalised_words_in_a_row() -> None:
    menu = "News Opinion Google Sport Culture"
    prose = "Shares of Google rose, said analysts."
    assert in_navigation(menu, 13, 19)
    assert not in_navigation(prose, 10, 16)
    assert not in_navigation("Moonshot AI's Kimi K2 Thinking", 14, 18)  # a possessive is prose


def test_a_currency_sign_after_the_amount_starts_a_word() -> None:
    matcher = PhraseMatcher([("€*", "eur")])
    assert _hits(matcher, "It raised 1.7B€ and then €2m.") == [("€", 14), ("€2m", 25)]
