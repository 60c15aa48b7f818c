"""Every rule family: a real line that fires it and a real article line that must not."""

from __future__ import annotations

import pytest

from cleaner.config import Config
from cleaner.extractors.rules import (
    FAMILY_ORDER,
    RulesExtractor,
    classify,
    normalise_line,
    parse_date,
    text_metadata,
)
from cleaner.model import REASONS, Block, Document
from cleaner.page import Page
from cleaner.page.features import line_features, line_views
from cleaner.page.language import stopwords

EN = stopwords("en")
ARTICLE = [
    "Syrian rebels backed by the international community called Wednesday for help to fight the Islamic State.",
    "By Wednesday afternoon, activists reported that ISIS had been forced from the towns of Kafr Nabl and Binish.",
    "In a string of tweets published on Monday, the US Embassy in Syria said that forces loyal to Assad had launched airstrikes.",
    "Syria’s Allies Confirm Commitment to Helping the Regime",
    "The embassy, which has been closed since March 2014 but still operates a Twitter account, said the strikes were a contradiction.",
    "“The Syrian army is fighting the Islamic State in all areas where it is present in Syria,” a military source said on Tuesday.",
    "The site uses cookies and trackers to follow readers, privacy researchers found in a study published on Monday in Nature.",
    "She said she would sign up for the next marathon in Berlin, where she finished second last year.",
]

# (reason code, a real boilerplate line that fires it)
FIRES = [
    ("nav.skip_link", "Skip to main content"),
    ("nav.skip_link", "Zum Inhalt springen"),
    ("nav.menu", "Home | News | World | Middle East"),
    ("nav.menu", "Startseite"),
    ("newsletter.signup", "Stay informed with MEE's newsletters"),
    ("newsletter.signup", "Sign up to get the latest alerts, insights and analysis, starting with Turkey Unpacked"),
    ("newsletter.signup", "Join our Weekly Newsletter"),
    ("newsletter.signup", "Abonnez-vous à notre newsletter"),
    ("social.follow", "For the latest news follow us on Twitter"),
    ("social.follow", "Síguenos en Twitter"),
    ("comments.widget", "Leave a Reply"),
    ("comments.widget", "Your email address will not be published. Required fields are marked *"),
    ("comments.widget", "Ihre E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert"),
    ("comments.widget", "3 thoughts on “Syria rebels urge Arab support”"),
    ("comments.captcha", "two × 5 ="),
    ("comments.captcha", "7 + three = ?"),
    ("related.links", "Related Items"),
    ("related.links", "Recommended Reads"),
    ("related.links", "Lesen Sie auch:"),
    ("related.links", "Day In a Page"),
    ("related.teaser", "5 min read"),
    ("promo.promoted", "PROMOTED VIDEO"),
    ("ads.label", "Advertisement"),
    ("ads.label", "Story continues below advertisement"),
    ("jobs.widget", "iJobs Job Widget"),
    ("jobs.widget", "£40000 - £50000 Per Annum + excellent benefits package: Clearwater People Solu..."),
    ("jobs.widget", "C# asp.net Developer - West Sussex - permanent - £40k - £50k"),
    ("jobs.widget", "Sachbearbeiter Buchhaltung (m/w/d) - Vollzeit"),
    ("cookie.notice", "We use cookies to ensure that we give you the best experience on our website."),
    ("cookie.notice", "Diese Website verwendet Cookies, um Ihnen das beste Erlebnis zu bieten."),
    ("legal.footer", "© 2024 Example Media Ltd. All rights reserved."),
    ("legal.footer", "Terms of Use."),
    (
        "legal.footer",
        "Middle East Eye delivers independent and unrivalled coverage and analysis of the Middle East, North Africa "
        "and beyond. To learn more about republishing this content and the associated fees, please fill out this "
        "form. More about MEE can be found here.",
    ),
    ("legal.footer", "Tous droits réservés"),
    ("media.caption", "A fighter from the Free Syrian Army in Deir Ezzor on February 28, 2013 (AFP)"),
    ("media.caption", "FSA rebels during anti-ISIL clashes in Syria's Deir ez-Zor. File photo"),
    ("media.caption", "Video: Clashes in Syria"),
    ("media.caption", "Foto: dpa"),
]


def first_pass(text: str) -> tuple[str, str]:
    f = line_features(text, EN)
    (c,) = classify([Block(index=0, text=text)], [f], True, line_views([text]))
    return c.cls, c.reason


@pytest.mark.parametrize(("reason", "line"), FIRES, ids=[f"{r}:{t[:30]}" for r, t in FIRES])
def test_rule_fires_on_real_boilerplate(reason: str, line: str) -> None:
    cls, got = first_pass(line)
    assert (cls, got) == ("bad", reason)


@pytest.mark.parametrize("line", ARTICLE, ids=lambda t: t[:40])
def test_no_rule_fires_on_article_lines(line: str) -> None:
    cls, reason = first_pass(line)
    assert cls != "bad", reason
    assert not reason.startswith("meta."), reason


def test_every_family_has_a_firing_test_and_a_reason_code() -> None:
    assert {r for r, _ in FIRES} == set(FAMILY_ORDER)
    assert all(f in REASONS for f in FAMILY_ORDER)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Reporting by: Saleh Adam", "meta.author"),
        ("By Jane Doe and John Roe", "meta.author"),
        ("Source: ARA News", "meta.source"),
        ("Published: June 11, 2014", "meta.date"),
        ("Updated Dec. 23, 2023 4:04AM EST", "meta.date"),
    ],
)
def test_metadata_lines(line: str, reason: str) -> None:
    assert first_pass(line) == ("meta", reason)


def test_dates_parse_to_iso() -> None:
    assert parse_date("Published: June 11, 2014") == "2014-06-11"
    assert parse_date("11. März 2021") == "2021-03-11"
    assert parse_date("le 3 juin 2019") == "2019-06-03"
    assert parse_date("2023-12-22 12:16") == "2023-12-22"
    assert parse_date("no date here") is None


def test_normalise_line_strips_symbols_and_counters() -> None:
    assert normalise_line("» Related posts:") == "related posts"
    assert normalise_line("Comments (12)") == "comments"
    assert normalise_line("  Share\xa0 this  ") == "share this"


def _page(lines: list[str]) -> tuple[list[Block], Page]:
    blocks = [Block(index=i, text=t, line_no=i) for i, t in enumerate(lines)]
    doc = Document(id="t", source="t", input_type="text", content="\n".join(lines))
    return blocks, Page(document=doc, markup="\n".join(lines), blocks=blocks)


PARAS = [
    "Syrian rebels backed by the international community called Wednesday for help to fight the Islamic State of "
    "Iraq and the Levant in the east of the war-ravaged country, officials said.",
    "The Free Syrian Army's appeal came a day after ISIL spearheaded a militant offensive in neighbouring Iraq that "
    "claimed the country's second-biggest city Mosul and a swathe of other northern territory.",
    "The fighting in the oil-rich province has killed more than 630 people in just 40 days and displaced more than "
    "130,000 civilians, says the Syrian Observatory for Human Rights in its latest report.",
]


def test_context_pass_keeps_subheading_and_unpunctuated_quote() -> None:
    lines = [
        "Syria's Assad, rebels alarmed by ISIL's advance in Iraq",
        PARAS[0],
        "Syria’s Allies Confirm Commitment to Helping the Regime",
        PARAS[1],
        '"The Rubicon has been crossed. This is all out war," Oubai Shahbandar told The Independent',
        PARAS[2],
    ]
    blocks, page = _page(lines)
    ds = RulesExtractor().decide(page, Config())
    assert [d.keep for d in ds] == [False, True, True, True, True, True]
    assert ds[0].reason == "meta.title"
    assert ds[2].reason == "content.heading"
    assert text_metadata(blocks, ds)["title"] == lines[0]
    assert page.identified_language == "en"


def test_context_pass_drops_teaser_run_after_article() -> None:
    lines = [
        "Moderate Syrian rebels call for West’s support in fight against al-Qa’ida",
        *PARAS,
        "Video: Clashes in Syria",
        "PROMOTED VIDEO",
        "News",
        "Liam Payne has attacked the media for reporting his tweet of support to Willie Robertson and the backlash",
        "peopleBut One Direction star insists he is not homophobic",
        "Arts and Entertainment",
        "A new app has been launched that enables people to have a cuddle from a stranger",
        "Sport",
    ]
    _, page = _page(lines)
    ds = RulesExtractor().decide(page, Config())
    assert [d.keep for d in ds[1:4]] == [True, True, True]
    assert not any(d.keep for d in ds[4:])
    teaser = ds[7]
    assert teaser.first_pass is not None and teaser.first_pass.keep


def test_short_line_between_article_lines_takes_their_class() -> None:
    lines = [PARAS[0], "Meanwhile in Damascus", PARAS[1], PARAS[2]]
    _, page = _page(lines)
    ds = RulesExtractor().decide(page, Config())
    assert ds[1].keep and ds[1].reason in ("content.heading", "content.context")


def test_empty_page_and_one_decision_per_block() -> None:
    _, page = _page([])
    assert RulesExtractor().decide(page, Config()) == []
    blocks, page = _page(["Skip to main content", *PARAS, "Leave a Reply"])
    ds = RulesExtractor().decide(page, Config())
    assert [d.block for d in ds] == [b.index for b in blocks]
    assert all(d.by == "rules" and d.reason in REASONS for d in ds)
