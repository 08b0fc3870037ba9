"""Open-world entities: names the catalog lacks, typed by the words around them."""

from __future__ import annotations

from bench.tagging.evaluate import article_for
from transforms import tag_article
from transforms.discover import discover_entities
from transforms.records import EntityMention


def _found(text: str, title: str = "") -> dict[str, EntityMention]:
    tagged = tag_article(article_for("t", title, text))
    return {e.name: e for e in tagged.entities if e.origin == "discovered"}


def _types(text: str) -> dict[str, str]:
    """Each discovered name's type."""
    return {name: e.type for name, e in _found(text).items()}


def test_people_are_found_by_role_speech_or_given_name_and_counted_by_surname() -> None:
    found = _found(
        "Kestrel Labs CEO Jane Okafor said the company would grow. Okafor added that "
        "regulators were slow, says Zhiqiang Wen, director of the lab. Later, Governor "
        "Priya Raman weighed in."
    )
    assert (found["Jane Okafor"].type, found["Jane Okafor"].cue) == ("person", "ceo")
    assert found["Jane Okafor"].mentions == 2
    assert found["Jane Okafor"].evidence == ("Jane Okafor@17", "Okafor@58")
    assert found["Zhiqiang Wen"].cue == "says"
    assert found["Priya Raman"].type == "person"
    assert found["Kestrel Labs"].type == "company"
    assert all(e.wikidata_id is None for e in found.values())


def test_a_person_described_by_an_apposition_is_found_and_a_described_org_is_not() -> None:
    found = _found(
        "The plan drew criticism from Marietje Schaake, a former member of the European "
        "Parliament. Junichi Tanaka, Japan's digital minister, said the AI rules were strict. "
        "Kestrel Dynamo, a startup whose chief executive is new, grew. We had views of the "
        "Eiffel Tower, Meta's chief AI scientist, Yann LeCun, said."
    )
    assert (found["Marietje Schaake"].type, found["Marietje Schaake"].cue) == ("person", "member")
    assert (found["Junichi Tanaka"].type, found["Junichi Tanaka"].cue) == ("person", "minister")
    assert found["Kestrel Dynamo"].type == "company"
    assert "Eiffel Tower" not in found  # the apposition describes the name after it


def test_a_title_case_subheading_names_nothing_but_a_credit_line_does() -> None:
    found = _found(
        "Vendors sell many narrow tools.\n\nThe Problem With Point Solutions\n\nBuyers want "
        "fewer tools.\n- Rachel Whitby, Developer Experience Lead at Kestrel Dynamo"
    )
    assert "Point Solutions" not in found
    assert found["Rachel Whitby"].type == "person"


def test_evidence_quotes_a_name_as_written_with_its_spacing() -> None:
    found = _found("Kestrel  Labs raised money. Kestrel Labs grew.")
    assert found["Kestrel Labs"].evidence == ("Kestrel  Labs@0", "Kestrel Labs@28")


def test_a_dash_opens_an_apposition_as_a_comma_does() -> None:
    found = _found(
        "Late in the year, Marius Hobbhahn—the CEO of a research lab—wrote that models "
        "lie. Investors backed Kestrel Dynamo – a startup building robots – in May."
    )
    assert (found["Marius Hobbhahn"].type, found["Marius Hobbhahn"].cue) == ("person", "ceo")
    assert found["Kestrel Dynamo"].type == "company"


def test_a_person_is_known_by_an_initial_before_speech_or_a_surname_that_speaks() -> None:
    found = _found(
        "Chips went to Malaysia, the Minister for Law and Home Affairs K Shanmugam said. "
        "NEW YORK (AP) — Armen Kirakosian remembers his first job. “It changed,” "
        "Kirakosian said."
    )
    assert {name: e.type for name, e in found.items()} == {
        "K Shanmugam": "person",
        "Armen Kirakosian": "person",
    }
    assert found["Armen Kirakosian"].mentions == 2


def test_a_title_before_a_name_is_not_part_of_it() -> None:
    found = _found(
        "The AI firm's Chief Information Officer Zulfi Okonjo said so. Representative Jane "
        "Mooley asked, Attorney General Letitia Jamison sued, and Chief Technology Officer "
        "Omar Haddad and Chief Operating Officer Lee Park left. They met in Central Park."
    )
    people = {"Zulfi Okonjo", "Jane Mooley", "Letitia Jamison", "Omar Haddad", "Lee Park"}
    assert people <= {name for name, e in found.items() if e.type == "person"}
    assert not {n for n in found if n.split()[0] in {"Information", "Representative", "Chief"}}
    assert "Central Park" not in found


def test_judges_listed_writers_and_a_qualified_role_name_people() -> None:
    found = _found(
        "The AI deal needs U.S. District Judge William Alsup; Judge Alsup agreed. Justice "
        "Joanna Smith ruled. Writers Andrea Bartz, Charles Graeber, and Kirk Wallace Johnson "
        "sued. Demand will rise, said Amod Kumar, associate director of technology at a firm. "
        "Kestrel, maker of AI chips, grew; Okapi, long the leader, fell."
    )
    assert found["William Alsup"].mentions == 2
    people = {"William Alsup", "Joanna Smith", "Kirk Wallace Johnson", "Amod Kumar"}
    assert people <= {name for name, e in found.items() if e.type == "person"}
    assert "Okapi" not in found or found["Okapi"].type != "person"


def test_romanised_initialled_and_founding_people_and_a_based_company_are_found() -> None:
    found = _found(
        "The AI plan was praised, Science Minister Bae Kyung-hoon said; Kim Yu-won, head of "
        "the lab, agreed. A panel led by professor B Ravindran met. The firm's legal counsel, "
        "Kai Welp, and Composer Andreas Weidinger spoke. Saudi Crown Prince Mohammed bin "
        "Salman's visit mattered. Founded in 2017 by Amnon Shashua, who runs it, the AI firm grew. "
        "Isanti-based Wolf River Electric sued. Okafor-style rules spread."
    )
    people = {
        "Bae Kyung-hoon", "Kim Yu-won", "B Ravindran", "Kai Welp", "Andreas Weidinger",
        "Mohammed bin Salman", "Amnon Shashua",
    }  # fmt: skip
    assert people <= {name for name, e in found.items() if e.type == "person"}
    assert found["Wolf River Electric"].type == "company"
    assert not {n for n in found if "Okafor" in n}
    byline = _found("By Jane Doe archive page\nThe AI lab grew. hide by Ann Roe Share it.")
    assert not {"Jane Doe", "Ann Roe"} & set(byline)


def test_a_lab_named_company_that_builds_models_is_a_lab_and_a_founder_a_person() -> None:
    found = _found(
        "The startup Kestrel AI trains foundation models for Indian languages. The startup "
        "Okapi AI sells AI payroll software. But Jonas Andrulis, the company's co-founder, "
        "told a daily that Lee Enterprises signed an AI deal."
    )
    assert found["Kestrel AI"].type == "ai_lab"
    assert found["Okapi AI"].type == "company"
    assert found["Jonas Andrulis"].type == "person"
    assert found["Lee Enterprises"].type == "company"


def test_a_company_said_to_release_its_own_model_is_a_lab() -> None:
    found = _found(
        "The startup Kestrel Dynamo released its open-weight language model in May. The "
        "startup Okapi Dynamo uses models from OpenAI."
    )
    assert found["Kestrel Dynamo"].type == "ai_lab"
    assert found["Okapi Dynamo"].type == "company"


def test_a_letter_after_a_versioned_name_is_a_new_member() -> None:
    found = _found("Huawei will test the Ascend 910D, its AI chip, against the Ascend 910B.")
    assert found["Ascend 910D"].family == "ascend-910b"


def test_a_work_title_in_quotes_is_not_an_entity() -> None:
    found = _found('The AI model can recite Gloria Gaynor\'s "I Will Survive," the song.')
    assert not {"Will Survive", "I Will Survive"} & set(found)


def test_a_name_inside_a_longer_word_or_a_hyphenated_compound_is_not_a_mention() -> None:
    found = _found(
        "Kestrel Labs CEO Jane Okafor said the company would grow. Okafor-style rules and "
        "Okafors aside, Okafor_2 is a handle; Okafor added that it was early. (Okafor)"
    )
    assert found["Jane Okafor"].mentions == 3
    assert found["Jane Okafor"].evidence == ("Jane Okafor@17", "Okafor@118", "Okafor@151")


def test_a_new_version_of_a_catalog_family_links_to_the_family() -> None:
    found = _found("Meta released Llama 5.1 today, an AI model. Llama 5.1 beats GPT-4.")
    version = found["Llama 5.1"]
    assert (version.type, version.family, version.mentions) == ("product", "llama", 2)


def test_a_version_in_the_title_and_beyond_the_catalogs_own_versions_is_found() -> None:
    found = _found("Claude 7 answers faster, Anthropic says.", title="Anthropic ships Claude 7")
    assert found["Claude 7"].evidence[0] == "Claude 7@title"
    assert "Claude 2" not in _found("Anthropic released Claude 2, an AI model.")


def test_a_point_release_of_a_catalog_version_and_a_tiered_version_are_new_members() -> None:
    tagged = tag_article(
        article_for(
            "t",
            "",
            "OpenAI shipped GPT-5.1 as Anthropic released Claude Opus 4.5; DeepSeek-V3.2 Exp "
            "followed. GPT-5 remains the default AI model.",
        )
    )
    by_name = {e.name: e for e in tagged.entities}
    assert (by_name["GPT-5.1"].origin, by_name["GPT-5.1"].family) == ("discovered", "gpt-5")
    assert by_name["Claude Opus 4.5"].family == "claude"
    assert by_name["DeepSeek-V3.2 Exp"].family == "deepseek-v3"
    assert "GPT-5" in by_name  # named on its own too
    assert not {"Claude", "DeepSeek-V3", "Opus 4.5"} & set(by_name)  # only stems here
    assert "GPT-5.1" not in _found("GPT-5. 1 more thing: it is an AI model.")


def test_a_tier_the_catalog_lists_as_an_alias_and_a_version_of_an_alias_are_members() -> None:
    tagged = tag_article(
        article_for(
            "t",
            "",
            "Google released Gemini 2.5 Pro and Gemini 2.5 Flash. Baidu launched Ernie 4.5 "
            "Turbo. GPT-3.5 Turbo costs less than GPT-3.5.",
        )
    )
    products = {e.name: (e.origin, e.family) for e in tagged.entities if e.type == "product"}
    assert products == {
        "Gemini 2.5 Pro": ("discovered", "gemini-2-5"),
        "Gemini 2.5 Flash": ("discovered", "gemini-2-5"),
        "Ernie 4.5 Turbo": ("discovered", "ernie-bot"),
        "GPT-3.5 Turbo": ("discovered", "gpt-3-5"),
        "GPT-3.5": ("catalog", None),
    }


def test_an_ai_named_thing_a_known_maker_owns_is_its_product() -> None:
    found = _found("Samsung’s Galaxy AI reached new phones. Kestrel AI raised money.")
    assert found["Galaxy AI"].type == "product"
    assert found["Kestrel AI"].type == "company"


def test_a_name_a_known_maker_owns_is_its_product_unless_it_is_an_acronym() -> None:
    found = _found(
        "Critics mocked Baidu’s Plato for its rude answers. Later, Samsung’s TM Roh said "
        "the phones would sell, and Google’s EVP agreed."
    )
    assert (found["Plato"].type, found["Plato"].cue) == ("product", "owner")
    assert "EVP" not in found
    assert found.get("TM Roh") is None or found["TM Roh"].type == "person"


def test_a_company_is_typed_by_what_it_does_but_not_an_agency_acronym() -> None:
    found = _found(
        "Shares rose after Heliotrope said it would cut costs, and a week later Quillfeather "
        "invested in chips. Officials at the AMO said it had seized a boat."
    )
    assert (found["Heliotrope"].type, found["Heliotrope"].cue) == ("company", "verb")
    assert (found["Quillfeather"].type, found["Quillfeather"].cue) == ("company", "verb")
    assert "AMO" not in found


def test_a_hyphenated_name_with_a_size_or_a_letter_is_a_product() -> None:
    assert _types(
        "Startup Kestrel AI released Smaug-72B and Sarvam-M. The satellites Kuipersat-1 and "
        "Kuipersat-2 flew. Covid-19 cases rose, and a lab in Paris-8 closed."
    ) == {
        "Kestrel AI": "company",
        "Smaug-72B": "product",
        "Sarvam-M": "product",
        "Kuipersat-1": "product",
        "Kuipersat-2": "product",
    }


def test_a_product_code_named_as_a_chip_or_a_model_is_a_product() -> None:
    found = _found(
        "AMD's MI355X accelerators and the new XR90 chips ship in AI servers, beside SN50 "
        "dataflow accelerators; the 2024 models and the G7 leaders are no products."
    )
    assert (found["MI355X"].type, found["MI355X"].cue) == ("product", "code")
    assert found["XR90"].type == found["SN50"].type == "product"
    assert not {"G7", "2024"} & set(found)


def test_a_versioned_product_named_after_its_maker_keeps_the_makers_name() -> None:
    found = _found("The AI lab said Anthropic Sonnet 9 is out, and Anthropic Sonnet 9 is fast.")
    assert found["Anthropic Sonnet 9"].type == "product"
    assert "Sonnet 9" not in found


def test_laws_and_regulators_are_found_by_their_head_words() -> None:
    found = _found(
        "The Ministry of Digital Affairs said the Frontier Model Safety Act would apply "
        "to AI labs. Lawmakers also cited SB 2417 in the debate about AI."
    )
    assert found["Ministry of Digital Affairs"].type == "regulator"
    assert found["Frontier Model Safety Act"].type == "law"
    assert found["SB 2417"].type == "law"


def test_a_numbered_act_is_a_law_of_its_own_name() -> None:
    found = _found(
        "The decree, published as Supreme Decree No. 115-2025-PCM, issues the Regulation of Law"
        " No. 31814 on AI. Based on Bill 2,338/2023, the text regulates AI. Its screens offer"
        " a Resolution 1920x1080 at most."
    )
    assert {name: e.type for name, e in found.items() if e.type == "law"} == dict.fromkeys(
        ("Supreme Decree No. 115-2025-PCM", "Law No. 31814", "Bill 2,338/2023"), "law"
    )


def test_councils_and_forces_are_bodies_but_a_bare_kind_of_body_is_no_name() -> None:
    assert _types(
        "The Tucson City Council voted no. The Hong Kong Police Force arrested two men. "
        "The City Council met again and a Task Force was formed."
    ) == {
        "Tucson City Council": "regulator",
        "Hong Kong Police Force": "regulator",
    }


def test_a_bodys_name_stops_at_a_sentence_a_date_or_a_place_it_names() -> None:
    assert _types(
        "In May, the Biden Administration raised tariffs on EVs. The Administration said more. "
        "The complaint, filed with the Tokyo Consumer Affairs Agency on Aug. 7, names the U.S. "
        "Department of Labor. Satellites left Cape Canaveral Space Force Station, and the fair "
        "was held at the Montego Bay Convention Centre."
    ) == {
        "Tokyo Consumer Affairs Agency": "regulator",
        "U.S. Department of Labor": "regulator",
    }


def test_a_body_headed_by_a_title_and_spelled_in_camel_case_is_a_regulator() -> None:
    assert _types("The law would widen the powers of Australia’s eSafety Commissioner.") == {
        "eSafety Commissioner": "regulator"
    }


def test_an_event_and_a_newspapers_short_name_are_not_companies() -> None:
    assert set(
        _found(
            "Gadgets abounded at the Consumer Electronics show. The Times reported that "
            "Kestrel Labs grew. The Times said so, and the Times added more."
        )
    ) == {"Kestrel Labs"}


def test_an_ai_named_phrase_needs_a_second_sign_to_be_a_company() -> None:
    assert set(
        _found(
            "Illegal AI use is banned. Physical AI is hot. Okapi AI raised money. Containing "
            "405 billion parameters, it is big. Roughly 3 of them work."
        )
    ) == {"Okapi AI"}


def test_a_title_before_a_persons_name_is_no_body_and_a_bodys_name_is_whole() -> None:
    body = "U.S. Department of Housing and Urban Development"
    assert _types(
        "EU Competition Commissioner Jane Okafor spoke. The case went to the U.S. "
        "Department of Housing and Urban Development on Monday."
    ) == {
        "Jane Okafor": "person",
        body: "regulator",
    }


def test_courts_are_not_tagged() -> None:
    """The labels leave courts out (they are judges of the story, rarely its actors)."""
    assert _found(
        "The Munich Regional Court ruled for GEMA. An appeal went to the U.S. District Court "
        "for the Northern District of California, then to the Federal Court of Justice."
    ).keys() <= {"GEMA"}


def test_a_licence_and_an_adverb_after_a_bracket_are_not_entities() -> None:
    assert set(
        _found(
            "The weights ship under the Apache 2.0 licence. (Disclosure: the author owns shares.) "
            "Similarly, the CEOs of Kestrel Labs and Bank of America agreed."
        )
    ) == {"Kestrel Labs"}


def test_a_sense_the_catalog_vetoes_is_left_to_discovery() -> None:
    assert _types("The committee advanced the VET AI Act and the TEST AI Act.") == {
        "VET AI Act": "law",
        "TEST AI Act": "law",
    }


def test_a_body_named_after_a_possessive_or_beside_another_body_has_its_own_name() -> None:
    found = _found(
        "The AI rules of Japan's Digital Agency and the Assembly Privacy Committee differ. The "
        "Trade Commission and Competition Authority met; Assembly Bill 2655 passed."
    )
    assert found["Digital Agency"].type == "regulator"
    assert found["Assembly Privacy Committee"].type == "regulator"
    assert found["Trade Commission"].type == found["Competition Authority"].type == "regulator"
    assert found["Assembly Bill 2655"].type == "law"
    more = _found(
        "The Harris County Sheriff's Office and the Ministry of Finance and Japan's Digital "
        "Agency met the Idaho State Tax Commission on Wednesday about the Agency for International "
        "Development's AI budget."
    )
    assert {
        "Harris County Sheriff's Office",
        "Ministry of Finance",
        "Idaho State Tax Commission",
    } <= set(more)
    assert "Agency for International Development" in more
    assert not {"Japan's Digital Agency", "Trade Commission and Competition Authority"} & set(found)


def test_bylines_outlets_places_and_dates_are_not_entities() -> None:
    found = _found(
        "By Jane Doe archive page\nIn New York on Fri 17 Nov 2023, VentureBeat reported that "
        "Chinese AI startups grew. VentureBeat said more. VentureBeat added a chart. "
        "Eventually, the company said nothing."
    )
    assert found == {}


def test_spans_the_catalog_matched_are_never_rediscovered() -> None:
    text = "OpenAI CEO Sam Altman said OpenAI would ship."
    known = ((0, 6), (11, 22), (28, 34))
    mentions = discover_entities("", text, tuple((s + 1, e + 1) for s, e in known))
    assert [m.name for m in mentions] == []


def test_names_listed_with_companies_are_companies_and_paired_names_people() -> None:
    found = _found(
        "Best Buy lists cards from Nvidia, Gigabyte, Zotac and Palit. Zotac said supply "
        "was short; Zotac has more soon and Zotac plans a refresh. The study was led by "
        "professor Ana Ruiz and Kwame Mensah of the lab."
    )
    assert found["Palit"].type == "company"
    assert found["Zotac"].type == "company"
    assert found["Kwame Mensah"].type == "person"


def test_an_owned_name_in_a_list_is_two_known_names_not_a_new_company() -> None:
    assert set(
        _found(
            "The study tested ChatGPT, Google’s Gemini, Microsoft's Copilot and Perplexity. "
            "Stores list Nvidia, Gigabyte, Zotac and Palit."
        )
    ) == {"Gigabyte", "Zotac", "Palit"}


def test_a_person_a_role_introduces_may_have_a_place_or_a_demonym_in_the_name() -> None:
    assert _types(
        "Dropbox cut 500 jobs. Co-founder and CEO Drew Houston blamed AI, said chief "
        "technology officer Christian Laforte. Later, Christian groups in Houston met."
    ) == {
        "Drew Houston": "person",
        "Christian Laforte": "person",
    }


def test_camel_case_jargon_is_not_a_brand() -> None:
    found = _found("Vendors sell GenAI agents. The GenAI hype and DevOps teams grew.")
    assert found == {}
    recurring = "Firms use the evolving GenAI technology; budgets for GenAI grow as GenAI spreads."
    assert "GenAI" not in _found(recurring)


def test_a_family_named_only_as_the_stem_of_its_new_version_is_not_tagged_itself() -> None:
    tagged = tag_article(article_for("t", "", "Anthropic released Claude 7, an AI model."))
    assert {e.name for e in tagged.entities} == {"Anthropic", "Claude 7"}
    again = tag_article(article_for("t", "", "Claude 7 replaces Claude, the AI chatbot."))
    assert {"Claude 7", "Claude"} <= {e.name for e in again.entities}


def test_a_catalog_mention_knows_the_ids_its_name_and_matched_texts_had_as_discoveries() -> None:
    mention = EntityMention(
        "mistral-ai", "Mistral AI", "org", None, 2, ("Mistral AI@0", "Mistral@40")
    )
    assert mention.discovered_aliases == (
        "discovered:mistral-ai",
        "discovered:mistral-ai",
        "discovered:mistral",
    )


def test_a_name_introduced_as_a_model_a_chip_or_an_app_is_a_product() -> None:
    types = _types(
        "The academy opened up its Aquila model in June. Then it planned its next-generation"
        " accelerator, Rngd, for mass production. The team trained an LLM called Nyutron on"
        " notes. Staff use its AI assistant Qira daily."
    )
    assert {
        name: types.get(name) for name in ("Aquila", "Rngd", "Nyutron", "Qira")
    } == dict.fromkeys(("Aquila", "Rngd", "Nyutron", "Qira"), "product")


def test_a_tier_a_describing_compound_or_a_word_written_in_lower_case_is_no_product() -> None:
    types = _types(
        "Buyers chose the Plus model. Then it sold its Cloud-optimised chips. It praised the"
        " Lantern app, though a lantern is a lamp."
    )
    assert not {"Plus", "Cloud-optimised", "Lantern"} & types.keys()


def test_a_plural_brand_counts_as_its_singular() -> None:
    found = _found("The new iPhone sells well. Buyers line up for iPhones, and the iPhone wins.")
    assert "iPhones" not in found
    assert found["iPhone"].mentions == 3


def test_a_brand_an_app_or_a_model_introduces_is_a_product() -> None:
    types = _types(
        "Diplomats were contacted on the encrypted messaging app Wirelo last month. Users can"
        " ask Zentrix, its generative AI copilot, for help. Many rely on Zentrix daily, and"
        " they trust Zentrix with it."
    )
    assert (types.get("Wirelo"), types.get("Zentrix")) == ("product", "product")


def test_tiers_after_a_version_name_their_own_product() -> None:
    found = _found(
        "The standard Zphone 15 starts at $799, the Zphone 15 Plus at $899 and the Zphone 15"
        " Pro Max at $1,199. Rivals answered with the Qalaxy Z Fold 7."
    )
    assert {"Zphone 15", "Zphone 15 Plus", "Zphone 15 Pro Max", "Qalaxy Z Fold 7"} <= found.keys()


def test_rules_guidelines_strategies_and_chinas_measures_are_laws() -> None:
    types = _types(
        "Officials scrapped the Biden-era Chip Diffusion Rule in May. The ministry issued the"
        " Ruritania AI Governance Guidelines and launched its National Robotics Strategy"
        " 2025-2032 at a summit. Regulators released the final Measures for Labeling Synthetic"
        " Media Content on Friday; the National Robotics Strategy Committee will meet soon.\n"
        "When Size Becomes Strategy\nThe committee met again."
    )
    assert {name: t for name, t in types.items() if t == "law"} == dict.fromkeys(
        (
            "Chip Diffusion Rule",
            "Ruritania AI Governance Guidelines",
            "National Robotics Strategy 2025-2032",
            "Measures for Labeling Synthetic Media Content",
        ),
        "law",
    )


def test_a_presidency_a_secretariat_and_a_government_of_a_country_are_bodies() -> None:
    types = _types(
        "The decree designates the Presidency of the Council of Ministers, through the"
        " Secretariat of Government and Digital Transformation, to lead. It signals the"
        " Government of Ruritania's resolve, while the Ruritanian Government said little."
    )
    assert {name: t for name, t in types.items() if t == "regulator"} == dict.fromkeys(
        (
            "Presidency of the Council of Ministers",
            "Secretariat of Government and Digital Transformation",
            "Government of Ruritania",
        ),
        "regulator",
    )


def test_a_name_found_only_inside_a_longer_name_is_part_of_it() -> None:
    found = _found("There are firms like Samsung, LG Technology Ventures, and Hyundai Motor Group.")
    assert "LG Technology Ventures" in found
    assert "Technology Ventures" not in found


def test_a_family_version_takes_whole_tier_words_only() -> None:
    found = _found("Das Update kommt auf Android 11 Geräten. Google zeigte das Pixel 10 Pro Fold.")
    assert {"Android 11", "Pixel 10 Pro Fold"} <= found.keys()
    assert not any("Ger" in name for name in found)


def test_a_listed_name_the_catalog_matched_is_no_new_company() -> None:
    found = _found(
        "Senator Elizabeth Warren spoke first. Donors split between Nvidia, Intel and Warren,"
        " and Kestrelix, Nvidia and Intel."
    )
    assert "Warren" not in found
    assert found["Kestrelix"].type == "company"


def test_a_project_name_is_a_named_programme() -> None:
    found = _found("The council voted to reject the building of Project Wren, a data center.")
    assert found["Project Wren"].type == "product"


def test_an_abbreviated_title_does_not_end_a_sentence() -> None:
    found = _found("Gov. Bill Lee signed the bill into law. Sen. Ruth Okafor voted for the bill.")
    assert (found["Bill Lee"].type, found["Ruth Okafor"].type) == ("person", "person")


def test_two_initials_may_lead_a_name_a_speech_verb_introduces() -> None:
    found = _found("The streaming head JB Perrette said Tuesday that prices will rise.")
    assert found["JB Perrette"].type == "person"
    assert "US Perrette" not in _found("The US Perrette said Tuesday that prices will rise.")


def test_a_bodys_name_may_start_with_a_list_of_its_subjects() -> None:
    types = _types(
        "The bill cleared the Science, Technology, Information, Broadcasting, and"
        " Communications Committee. Officials from Santa Cruz, California, and Oregon"
        " Health Authority met."
    )
    regulators = {name for name, t in types.items() if t == "regulator"}
    assert "Science, Technology, Information, Broadcasting, and Communications Committee" in (
        regulators
    )
    assert not any("Santa Cruz" in name for name in regulators)


def test_a_legal_name_after_a_company_the_catalog_knows_is_no_new_company() -> None:
    found = _found(
        "Microsoft is partnering with data centre company Nvidia Global Holdings in Norway."
    )
    assert "Global Holdings" not in found


def test_a_bare_name_that_recurs_is_found_in_english_but_not_a_german_noun() -> None:
    english = _found(
        "The deal made Quillfeather richer. Analysts said Quillfeather was growing fast, and "
        "rivals of Quillfeather were worried about it."
    )
    assert (english["Quillfeather"].type, english["Quillfeather"].cue) == ("company", "frequent")
    german = _found(
        "Die Regierung plant neue Regeln für die Wasserkraft. Nach Angaben der Behörde soll "
        "die Wasserkraft bis 2030 wachsen, doch viele Gemeinden sehen die Wasserkraft kritisch. "
        "Sie fürchten um ihre Flüsse und verlangen, dass das Land vor jedem neuen Kraftwerk die "
        "Folgen für die Fische und für die Menschen am Ufer genau prüft und offenlegt."
    )
    assert "Wasserkraft" not in german


def test_a_german_noun_and_a_number_is_no_product_but_an_english_version_is() -> None:
    german = _found(
        "Die Serie geht weiter: In Staffel 2 kehren die Figuren zurück, und nach Angaben des "
        "Senders soll die Handlung dort beginnen, wo sie in der ersten Staffel endete. Viele "
        "Zuschauer warten schon lange auf die neuen Folgen, die im Herbst erscheinen sollen. "
        "Der Sender hat dafür mehr Geld ausgegeben als je zuvor und verspricht eine Geschichte, "
        "die sich um die Familie und ihr Dorf dreht."
    )
    assert german == {}
    assert _types("The startup released Kestrel 2 on Monday.") == {"Kestrel 2": "product"}


def test_a_recurring_name_written_after_in_is_a_place_unless_money_goes_in() -> None:
    found = _found(
        "The plant in Monbetsu opened. Workers in Monbetsu cheered, and the mayor of Monbetsu "
        "spoke. Funds invested in Quillfeather grew, as rivals of Quillfeather fell and buyers "
        "of Quillfeather waited."
    )
    assert "Monbetsu" not in found
    assert found["Quillfeather"].type == "company"
