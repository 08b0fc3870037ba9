"""Entity matching: ambiguous names, surnames, counts, evidence, credits and menus."""

from __future__ import annotations

import pytest

from transforms.entities import match_entities


def _names(text: str, title: str = "") -> dict[str, int]:
    return {e.name: e.mentions for e in match_entities(title, text)[0]}


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        pytest.param(
            "Meta-analysis of 40 studies. A meta-analysis says little.", set(), {"Meta"}, id="meta"
        ),
        pytest.param(
            "Meta released Llama 2 as a Meta-backed model.",
            {"Meta", "Llama 2"},
            set(),
            id="meta-backed",
        ),
        pytest.param(
            "Claude Shannon founded information theory. Jean-Claude Juncker spoke about AI.",
            set(),
            {"Claude"},
            id="people-called-claude",
        ),
        pytest.param(
            "Anthropic's chatbot Claude 2 writes code. Claude answers questions.",
            {"Claude", "Anthropic"},
            set(),
            id="claude-the-model",
        ),
        pytest.param("She baked an Apple pie in the Big Apple.", set(), {"Apple"}, id="apple-pie"),
        pytest.param(
            "Apple unveiled a headset; Apple shares rose.", {"Apple"}, set(), id="apple-company"
        ),
        pytest.param(
            "X, formerly Twitter, changed its rules. Musk said X will charge users.",
            {"Twitter"},
            set(),
            id="x-formerly-twitter",
        ),
        pytest.param(
            "The Tesla Model X is a car. Project X is secret. X marks the spot.",
            set(),
            {"Twitter"},
            id="x-without-twitter",
        ),
        pytest.param(
            "Your Gemini horoscope for today: Gemini season starts.", set(), {"Gemini"}, id="zodiac"
        ),
        pytest.param(
            "Google launched Gemini, a model that beats GPT-4.",
            {"Gemini", "Google", "GPT-4"},
            set(),
            id="gemini-model",
        ),
        pytest.param(
            "The SEC fined a firm. The sec. of state spoke. Arm in arm they walked.",
            {"US Securities and Exchange Commission"},
            {"Arm"},
            id="case-sensitive-acronyms",
        ),
        pytest.param(
            "Image credit: VentureBeat made with Midjourney. OpenAI released GPT-4.",
            {"OpenAI"},
            {"Midjourney"},
            id="photo-credit",
        ),
    ],
)
def test_ambiguous_names_resolve_by_context(text: str, present: set[str], absent: set[str]) -> None:
    names = _names(text)
    assert present <= names.keys()
    assert not absent & names.keys()


def test_surname_counts_only_after_the_full_name() -> None:
    [lecun] = match_entities("", "LeCun spoke. Then Yann LeCun spoke. LeCun again.")[0]
    assert (lecun.name, lecun.mentions) == ("Yann LeCun", 2)
    assert lecun.evidence == ("Yann LeCun@18", "LeCun@36")


def test_shared_surname_goes_to_the_person_named_last() -> None:
    text = "Margaret Mitchell spoke. Then Melanie Mitchell replied. Mitchell added a point."
    names = _names(text)
    assert names == {"Margaret Mitchell": 1, "Melanie Mitchell": 2}


def test_aliases_map_to_the_canonical_name_and_are_counted() -> None:
    text = "Facebook and Meta Platforms, known as Meta, work with AWS and Amazon Web Services."
    found = {e.name: e for e in match_entities("", text)[0]}
    assert found["Meta"].mentions == 3
    assert found["Amazon"].mentions == 2
    assert found["Meta"].evidence == ("Facebook@0", "Meta Platforms@13", "Meta@38")
    assert found["Meta"].wikidata_id == "Q380"


def test_longest_name_wins() -> None:
    names = _names("Google DeepMind and GPT-4 Turbo beat Llama 2.")
    assert names == {"Google DeepMind": 1, "GPT-4 Turbo": 1, "Llama 2": 1}


def test_title_matches_are_marked_as_title() -> None:
    [nvidia] = match_entities("Nvidia sells chips", "Demand for Nvidia parts grew.")[0]
    assert nvidia.evidence == ("Nvidia@title", "Nvidia@11")


def test_menu_links_of_a_scrape_are_not_mentions() -> None:
    text = "Corrections Facebook Twitter Search jobs Digital Archive.\nOpenAI trained a model."
    assert _names(text) == {"OpenAI": 1}


def test_a_persons_name_before_an_institutions_head_word_is_the_institution() -> None:
    names = _names("Researchers at the Alan Turing Institute cite Alan Turing and the Turing Test.")
    assert names == {"Alan Turing": 1}


def test_a_presidents_administration_is_not_the_president_named() -> None:
    assert "Joe Biden" not in _names("The Biden administration eased the rules on AI chips.")
    assert _names("President Biden signed the order on AI chips.") == {"Joe Biden": 1}


def test_a_news_outlet_cited_as_a_source_is_not_an_actor() -> None:
    cited = "OpenAI signed a licensing deal, insiders told the Financial Times on Monday."
    actor = "The Financial Times signed a licensing deal with OpenAI on Monday."
    assert "Financial Times" not in _names(cited)
    assert "Financial Times" in _names(actor)


def test_one_passing_mention_late_in_a_long_article_is_left_out() -> None:
    filler = "The model was trained on text and the results were mixed. " * 60
    names = _names(f"OpenAI built it. {filler} Nvidia made the chips.")
    assert names == {"OpenAI": 1}


def test_related_links_after_a_marker_are_not_mentions() -> None:
    text = "OpenAI trained a model.\nMore on this story Nvidia profits soar 2h ago Apple unveils"
    assert _names(text) == {"OpenAI": 1}


def test_early_part_of_a_scrape_starts_at_its_headline() -> None:
    title = "Chipmakers race to build the next AI accelerator"
    menu = "Home News Tech Science Culture Newsletters Podcasts Video " * 60
    story = f"{title}\nAnalysts say Nvidia leads. " + "Demand for chips keeps growing. " * 120
    assert "Nvidia" in _names(menu + story, title=title)


def test_salience_score_weighs_title_and_lead_mentions_more() -> None:
    body = "Nvidia leads. " + "Other words fill the page here. " * 30 + "Nvidia again."
    [nvidia] = match_entities("Nvidia results", body)[0]
    assert nvidia.mentions == 3
    assert nvidia.score == 3.0 + 1.5 + 1.0


def test_names_hold_in_all_caps_headlines_across_line_breaks_and_as_possessives() -> None:
    text = (
        "The startup Hugging\nFace said OpenAI’s new model was strong. "
        "Hugging Face and OpenAI's rivals agreed."
    )
    names = {e.name: e for e in match_entities("OPENAI AND NVIDIA SIGN A DEAL", text)[0]}
    assert {"OpenAI", "Nvidia", "Hugging Face"} <= names.keys()
    assert names["Hugging Face"].evidence[0] == "Hugging\nFace@12"
    assert names["OpenAI"].evidence[0] == "OPENAI@title"
    assert names["OpenAI"].mentions == 3


def test_a_name_hyphenated_at_a_line_break_matches_joined_and_whole() -> None:
    mentions, _ = match_entities("", "Researchers at Google Deep-\nMind and Open-\nAI agreed.")
    found = {m.name: m.evidence for m in mentions}
    assert found == {"Google DeepMind": ("Google Deep-\nMind@15",), "OpenAI": ("Open-\nAI@37",)}


def test_a_body_named_after_another_countrys_name_is_that_countrys() -> None:
    japan = match_entities("", "The bill passed Japan's House of Representatives, Washington saw.")
    us = match_entities("", "The bill passed the House of Representatives in the US.")
    assert [e.name for e in japan[0]] == []
    assert [e.name for e in us[0]] == ["US Congress"]


def test_a_laws_short_alias_inside_a_longer_name_is_another_law() -> None:
    text = (
        "The panel advanced the VET AI Act. The European Union's AI Act and the EU AI Act "
        "apply; the AI Act is strict."
    )
    mentions = match_entities("", text)[0]
    assert [(e.name, e.mentions) for e in mentions] == [("EU AI Act", 3)]
