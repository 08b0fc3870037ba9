"""Topic scoring: the AI gate, chips without AI, gates, hints, position and evidence."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from bench.tagging.evaluate import article_for
from transforms.catalog import CatalogError, read_taxonomy
from transforms.entities import match_entities
from transforms.records import EntityMention
from transforms.tagging import tag_article
from transforms.topics import measure_topics, score_topics

AI_LEAD = "Artificial intelligence (AI) companies and their AI chatbots and LLMs. "


def _topics(text: str, title: str = "") -> dict[str, float]:
    tags = score_topics(title, text, match_entities(title, text)[0])
    return {t.topic: t.score for t in tags}


def test_article_without_ai_is_not_ai_only() -> None:
    text = "The city council approved new parking regulation and lawmakers passed laws. " * 5
    assert list(_topics(text)) == ["not-ai"]


def test_semiconductor_story_is_chips_not_not_ai() -> None:
    text = (
        "TSMC and Samsung make chips. Semiconductor export restrictions hit chipmakers. "
        "The foundry builds wafers for processors and GPUs. "
    ) * 3
    topics = _topics(text, title="Chip war: semiconductor export restrictions")
    assert "chips-hardware" in topics
    assert "not-ai" not in topics


def test_funding_needs_an_amount_or_an_investor() -> None:
    words = "The AI startup closed a funding round that lifts its valuation. " * 3
    assert "funding" not in _topics(AI_LEAD + words)
    assert "funding" in _topics(AI_LEAD + words + "It raised $300m.")


def test_eu_ai_act_implies_regulation() -> None:
    text = AI_LEAD + "The EU AI Act was agreed. The AI Act covers models. The AI Act applies soon."
    measured = measure_topics("", text, match_entities("", text)[0])
    assert measured.scores["regulation"] >= 9.0
    assert measured.evidence["regulation"][0] == "entity:EU AI Actx3"


def test_title_weighs_more_than_body() -> None:
    body = AI_LEAD + "Nothing else happened here. " * 30
    in_title = measure_topics("OpenAI sued over copyright", body, ())
    in_body = measure_topics("", body + " OpenAI sued over copyright.", ())
    assert in_title.scores["legal-copyright"] > in_body.scores["legal-copyright"]


def test_density_not_length_decides() -> None:
    paragraph = AI_LEAD + "Workers fear job losses and layoffs as automation spreads. "
    filler = "The weather was mild and the trains ran on time. " * 400
    short = measure_topics("", paragraph * 3, ())
    long = measure_topics("", paragraph * 3 + filler, ())
    assert "labor-jobs" in _topics(paragraph * 3)
    assert long.scores["labor-jobs"] < short.scores["labor-jobs"] / 2


def test_topic_tags_carry_score_and_evidence_with_offsets() -> None:
    text = AI_LEAD + "A lawsuit says the chatbot infringed copyright; the court will rule. " * 2
    [tag] = score_topics("", text, ())
    assert tag.topic == "legal-copyright"
    assert tag.score > 0
    assert all(re.fullmatch(r".+@(\d+|title)", item) for item in tag.evidence)


def test_an_ai_article_may_have_no_topic() -> None:
    assert _topics(AI_LEAD + "The board met on Friday and chose a new chief executive.") == {}


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("topics: {}\n", "missing or malformed setting"),
        (
            "positions: {title: 3, lead: 1.5, lead_chars: 600}\nrepeat_cap: 4\n"
            "reference_words: 500\nai: {threshold: 4, terms: {AI: 1}}\n"
            "topics:\n  weather: {threshold: 1, terms: {rain: 1}}\n",
            "topic 'weather': unknown topic",
        ),
        (
            "positions: {title: 3, lead: 1.5, lead_chars: 600}\nrepeat_cap: 4\n"
            "reference_words: 500\nai: {threshold: 4, terms: {AI: 1}}\n"
            "topics:\n  safety: {threshold: 1, terms: {risk: high}}\n",
            "topic 'safety': bad term 'risk'",
        ),
        (
            "positions: {title: 3, lead: 1.5, lead_chars: 600}\nrepeat_cap: 4\n"
            "reference_words: 500\nai: {threshold: 4, terms: {AI: 1}}\n"
            "topics:\n  safety: {threshold: 1, terms: {risk: 1},"
            " beside: {entity_type: robot, within: 10, weight: 1}}\n",
            "topic 'safety': 'beside' must give an entity_type",
        ),
    ],
)
def test_invalid_taxonomy_is_named(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape(message)):
        read_taxonomy(path)


def test_one_paragraph_deep_in_the_text_is_a_passing_remark() -> None:
    lead = AI_LEAD + "The startup showed its chatbot to customers. " * 4
    filler = "\n".join(f"The team met customers in city number {i}." for i in range(12))
    remark = "A lawsuit over copyright went to court; the judge heard the plaintiffs. "
    assert "legal-copyright" not in _topics(f"{lead}\n{filler}\n{remark * 2}")
    assert "legal-copyright" in _topics(f"{lead}\n{filler}\n{remark}\n{remark}")


def test_funding_needs_its_amount_near_the_funding_words() -> None:
    words = "The AI startup closed a funding round that lifts its valuation. " * 3
    far = " Separately, the city spent $300m on a new bridge and its parks."
    assert "funding" not in _topics(AI_LEAD + words + "x " * 100 + far)
    assert "funding" in _topics(AI_LEAD + words + "It raised $300m.")


def test_a_topic_in_the_title_needs_less_evidence_in_the_body() -> None:
    filler = " The weather was mild and the office was quiet." * 12  # an article, not a brief
    body = AI_LEAD + "The company released it to its users today." + filler
    title = "OpenAI launches a chatbot"
    threshold = next(r.threshold for r in read_taxonomy().rules if r.topic == "product-launch")
    assert measure_topics(title, body, ()).scores["product-launch"] < threshold
    assert "product-launch" in _topics(body, title=title)
    assert "product-launch" not in _topics(body + " It launches soon.", title="A quiet week")


def test_a_product_named_beside_a_launch_word_in_the_lead_is_a_launch_story() -> None:
    filler = " The office was quiet and the weather was mild that week." * 15
    beside = "Anthropic released Claude 3 on Monday. The new model is available in beta."
    apart = "Anthropic released a report on Monday. The new model is available in beta."
    later = " Its staff went home early. Later, many people compared Claude with others."
    assert "product-launch" in _topics(AI_LEAD + beside + filler)
    assert "product-launch" not in _topics(AI_LEAD + apart + filler + later)


def test_a_lower_case_word_between_names_is_prose_and_a_capitalised_one_a_menu() -> None:
    prose = measure_topics("", AI_LEAD + "Anthropic released Claude 3 today.", ())
    menu = measure_topics("", AI_LEAD + "\nHome News Launch Video Podcasts\nIt rained.", ())
    assert "released@81" in prose.evidence["product-launch"]
    assert menu.evidence["product-launch"] == ()


def test_a_law_discovery_found_is_regulation_evidence_as_a_catalog_law_is() -> None:
    text = AI_LEAD + "The Ruritania Robot Safety Act passed. The Ruritania Robot Safety Act is new."
    tagged = tag_article(article_for("t", "", text))
    law = next(e for e in tagged.entities if e.name == "Ruritania Robot Safety Act")
    others = tuple(e for e in tagged.entities if e is not law)
    with_law = measure_topics("", text, tagged.entities).scores["regulation"]
    assert law.origin == "discovered"
    assert with_law > measure_topics("", text, others).scores["regulation"]


def test_an_investigation_is_no_investment() -> None:
    sentence = "The investigation found the chatbot broke rules; it was fined $5 million. "
    text = AI_LEAD + sentence * 3
    assert "funding" not in _topics(text)
    assert "funding" in _topics(text.replace("investigation", "investment round"))


def test_a_scrapes_lead_starts_at_its_headline_after_the_menus() -> None:
    title = "Acme and its big week in robots"
    menu = "Home News Robots Cars Phones Podcasts Newsletters Events About " * 12
    story = AI_LEAD + "Acme raised $50 million in a funding round led by investors."
    filler = "\n".join(f"The robot walked to room {i} and back again." for i in range(40))
    assert "funding" in _topics(f"{menu}{title}\n{story}\n{filler}", title=title)


def test_a_one_sentence_brief_is_about_its_sentence() -> None:
    title = "Acme unveils Blue"
    brief = "Acme today launched Blue, its new AI model for farmers."
    assert list(_topics(brief, title=title)) == ["product-launch"]
    assert list(_topics("Acme's AI model Blue has new features.")) == []
    assert "product-launch" not in _topics((brief + " It has many features. " * 20)[:2000])


def test_a_brief_naming_a_new_version_of_an_ai_family_is_about_ai() -> None:
    text = "Acme released Llama 9 to everyone today."
    version = EntityMention(
        "discovered:llama-9", "Llama 9", "product", None, 1, ("Llama 9@14",), 0.0,
        origin="discovered", cue="version", family="llama",
    )  # fmt: skip
    assert [t.topic for t in score_topics("", text, (version,))] != ["not-ai"]
    unrelated = replace(version, family=None)
    assert [t.topic for t in score_topics("", text, (unrelated,))] == ["not-ai"]


def test_an_open_licence_by_name_is_open_source_evidence() -> None:
    assert "open-source" in _topics("Acme Blue 2, our AI model: multilingual, Apache 2.0.")


def test_a_breach_at_an_ai_lab_and_a_cloned_voice_robocall_are_safety_stories() -> None:
    breach = (
        "A hacker got into the messaging systems of an artificial intelligence lab and stole "
        "details of the design of its AI models, two people said.\n"
        "The hacker did not reach the systems where the lab builds its AI. Staff were told of "
        "the breach at a meeting; the lab judged it no threat to national security.\n"
        "Some employees feared that foreign adversaries could steal AI technology."
    )
    robocall = (
        "A robocall that imitated a candidate's voice was made with a voice-cloning tool, "
        "investigators said, an artificial intelligence start-up's software.\n"
        "The start-up suspended the account. Experts said the AI case showed how cheaply a "
        "cloned voice can be made, and how hard such robocalls are to trace."
    )
    assert "safety" in _topics(breach, title="Hackers stole AI designs in a breach")
    assert "safety" in _topics(robocall, title="Robocall used a cloned voice, investigators say")


def test_a_benchmark_result_of_a_reasoning_model_is_ai_research() -> None:
    text = (
        "A reasoning model from a new lab scored higher than any other system on a benchmark "
        "of competition mathematics, its technical report says.\n"
        "Evaluators reproduced most results. The gains come from reinforcement learning on "
        "verified solutions; critics say benchmark questions can leak into training data."
    )
    assert list(_topics(text, title="Reasoning model tops a maths benchmark")) == ["research"]


def test_a_race_for_chip_self_sufficiency_and_a_ministers_ai_action_plan() -> None:
    race = (
        "China's push for self-sufficiency in AI chips gathered pace as a national champion "
        "unveiled a chip for AI models, a rival to Nvidia's, amid the AI race with Washington.\n"
        "Analysts said Beijing's self-reliance drive answers export controls on AI chips; "
        "adversaries on both sides are building AI supply chains of their own."
    )
    plan = (
        "The prime minister set out an AI action plan on Monday: the ministry will open a "
        "consultation on AI rules and publish a national strategy for AI compute.\n"
        "The minister said the plan would make the country a leader in AI."
    )
    assert "geopolitics" in _topics(race, title="China races for AI chip self-sufficiency")
    assert "regulation" in _topics(plan, title="Prime minister unveils AI action plan")


def test_a_bill_signed_into_law_is_regulation_evidence() -> None:
    text = AI_LEAD + "The governor signed the bill into law. Bills like it were signed into law."
    measured = measure_topics("", text, ())
    assert {"the bill@", "signed into law@"} <= {
        e.split("@")[0] + "@" for e in measured.evidence["regulation"]
    }


def test_influence_operations_and_fake_nudes_are_safety_evidence() -> None:
    text = AI_LEAD + "Covert influence operations used the models. Students shared fake nudes."
    found = {e.split("@")[0].lower() for e in measure_topics("", text, ()).evidence["safety"]}
    assert {"covert", "influence operations", "nudes"} <= found
