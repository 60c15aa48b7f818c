from __future__ import annotations

import pytest

from cleaner.config import Config
from cleaner.model import Block, Document
from cleaner.page import Page, facts
from cleaner.page.features import block_features, line_features, line_views
from cleaner.page.language import identify, stopwords
from cleaner.page.segment import parse_html, segment_html, segment_text

EN = stopwords("en")


def test_prose_has_words_stopwords_and_a_sentence_end() -> None:
    f = line_features(
        "It has faced a major backlash from rebels and al-Qaeda's affiliate in Syria, al-Nusra Front.", EN
    )
    assert f.words == 15
    assert f.stopword_density > 0.3
    assert f.terminal and not f.ellipsis


def test_terminal_punctuation_includes_closing_quotes_and_ellipses() -> None:
    assert line_features("“There is co-operation between the factions on different fighting fronts.”", EN).terminal
    assert line_features("Il a dit : « C'est fini. »", EN).terminal
    assert line_features(
        "£40000 - £50000 Per Annum + excellent benefits package: Clearwater People Solu...", EN
    ).ellipsis
    assert not line_features("Syria’s Allies Confirm Commitment to Helping the Regime", EN).terminal


def test_capitalised_share_separates_headlines_from_prose() -> None:
    head = line_features("U.S. Accuses the Syrian Regime of Backing Islamic State Aleppo Advance", EN)
    prose = line_features("The fighting in the oil-rich province has killed more than 630 people in just 40 days.", EN)
    assert head.cap_ratio > 0.7 > prose.cap_ratio


def test_digits_and_currency_mark_salaries() -> None:
    f = line_features("C# asp.net Developer - West Sussex - permanent - £40k - £50k", EN)
    assert f.currency and f.digit_ratio > 0.05
    assert not line_features("The Abu Amara Factions also announced on Monday its opposition to IS.", EN).currency


def test_urls_emails_list_markers_and_separators() -> None:
    assert line_features("Read more at https://example.com/news and www.example.org", EN).urls == 2
    assert line_features("Write to press@example.com for details", EN).emails == 1
    assert line_features("- Reuters: Syrian Insurgent Advances Put Assad Under Pressure", EN).list_marker
    assert line_features("• Shrines appear as a green, glowing source of light.", EN).list_marker
    assert not line_features(
        "Deir ez-Zor, Syria The Syrian regime’s warplanes has recently intensified raids.", EN
    ).list_marker
    assert line_features("Home | News | World | Middle East", EN).separators == 3


def test_cjk_lines_count_characters_as_words() -> None:
    f = line_features("一九八九年四月，我在湖南张家界开一个全省教学研究会议。", frozenset())
    assert f.cjk and f.words >= 15 and f.terminal


def test_block_features_match_line_features_and_positions() -> None:
    texts = ["Skip to main content", "Syria's Assad, rebels alarmed by ISIL's advance in Iraq", "Source: ARA News"]
    blocks = [Block(index=i, text=t) for i, t in enumerate(texts)]
    feats = block_features(blocks, EN, line_views(texts))
    assert [f.position for f in feats] == [0.0, 0.5, 1.0]
    for t, f in zip(texts, feats, strict=True):
        assert f._replace(position=0.0) == line_features(t, EN)


def test_language_identification_and_stoplists() -> None:
    assert identify("The Free Syrian Army's appeal came a day after ISIL spearheaded a militant offensive.") == "en"
    assert (
        identify(
            "Die Bundesregierung hat am Mittwoch neue Regeln für den Wohnungsbau beschlossen, die ab Januar gelten."
        )
        == "de"
    )
    assert (
        identify(
            "Le gouvernement a présenté mercredi un projet de loi sur le logement qui entrera en vigueur en janvier."
        )
        == "fr"
    )
    assert (
        identify(
            "El Gobierno aprobó el miércoles una nueva ley de vivienda que entrará en vigor en enero del próximo año."
        )
        == "es"
    )
    assert identify("") is None
    assert "the" in stopwords("en") and "der" in stopwords("de") and "le" in stopwords("fr") and "el" in stopwords("es")
    assert stopwords("zh") == frozenset()
    assert stopwords("en") is stopwords("en")  # cached


def _page(lines: list[str], html: str | None = None) -> Page:
    if html is not None:
        tree = parse_html(html)
        doc = Document(id="h", source="h", input_type="html", content=html.encode())
        return Page(document=doc, markup=html, blocks=segment_html(tree), tree=tree)
    text = "\n".join(lines)
    return Page(Document(id="t", source="t", input_type="text", content=text), text, segment_text(text))


def test_page_measures_its_lines_once_per_language() -> None:
    page = _page(["The cat and the dog.", "Home"])
    first = page.line_features("en")
    assert page.line_features("en") is first  # the rules, then the text-line model
    assert first == block_features(page.blocks, stopwords("en"), line_views([b.text for b in page.blocks]))
    unsegmented = page.line_features("zh")
    assert unsegmented is not first and unsegmented[0].stopwords == 0 < first[0].stopwords


def test_page_identifies_its_language_once_even_when_unsure(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(facts, "identify", lambda text: calls.append(text))
    page = _page(["12345", "67890"])
    assert page.language(Config()) is None and page.feature_language(Config()) is None
    assert page.identified_language is None
    assert len(calls) == 1  # a None is kept, not identified again
    assert page.language(Config(language="de")) == "de"


def test_feature_language_is_configured_then_declared_then_identified() -> None:
    html = "<html lang='de-DE'><body><p>" + PROSE + "</p></body></html>"
    page = _page([], html)
    assert page.html_lang == "de" and page.identified_language == "en"
    assert page.feature_language(Config()) == "de" and page.language(Config()) == "en"
    assert page.feature_language(Config(language="fr")) == "fr"
    assert page.feature_matrix(Config()) is page.feature_matrix(Config())


PROSE = "The Free Syrian Army's appeal came a day after ISIL spearheaded a militant offensive in neighbouring Iraq."
