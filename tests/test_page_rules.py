"""The page rules (machine timestamps, in-page copies) and the hidden-element evidence, with their own reasons."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import clean
from cleaner.config import Config
from cleaner.extractors.learned import drop_reason
from cleaner.extractors.page_rules import apply_page_rules, page_rule_drops
from cleaner.model import Block, Decision
from cleaner.page.features import block_features, line_views
from cleaner.page.matrix import HTML_COLUMNS, feature_matrix
from cleaner.page.segment import parse_html, segment_html

ARTICLE = [
    "The council voted on Tuesday to rebuild the old river bridge, which has been closed since the spring floods.",
    "Residents who cross it every day said the detour through the industrial estate added half an hour each way.",
    "Work is due to start in March and the contractor expects the bridge to reopen before the end of next year.",
]


def blocks_of(body: str) -> list[Block]:
    return segment_html(parse_html(f"<html><body>{body}</body></html>"))


def keep_all(blocks: list[Block]) -> list[Decision]:
    return [Decision(b.index, True, "content.selected", "test") for b in blocks]


def article_html() -> str:
    return "".join(f"<p>{p}</p>" for p in ARTICLE)


def test_each_way_of_hiding_an_element_marks_its_blocks_and_names_the_learned_drop() -> None:
    hidden_copy = "A hidden copy says the same thing at length for a script that may never run on this page."
    for opening, marker in (
        ("<div hidden>", "attr:hidden"),
        ('<div aria-hidden="true">', "attr:aria-hidden"),
        ('<div style="color: red; display: none">', "style:display-none"),
        ('<div style="visibility:hidden">', "style:visibility-hidden"),
    ):
        blocks = blocks_of(article_html() + f"{opening}<p>{hidden_copy}</p></div>")
        assert [marker in b.attr_tokens for b in blocks] == [False, False, False, True], opening
        row = feature_matrix(blocks, block_features(blocks, frozenset(), line_views([b.text for b in blocks])), True)
        assert row[3, HTML_COLUMNS.index("hidden")] == 1 and row[0, HTML_COLUMNS.index("hidden")] == 0
        assert drop_reason(row[3]) == ("hidden.element", "inside an element the page hides")


def test_template_text_is_never_a_block() -> None:
    blocks = blocks_of(
        article_html() + "<template><p>A template paragraph that a script would clone later.</p></template>"
    )
    assert [b.text for b in blocks] == ARTICLE


def test_a_second_copy_of_the_article_is_dropped_and_the_first_kept() -> None:
    blocks = blocks_of(article_html() + '<div class="print-version">' + article_html() + "</div>")
    decisions = apply_page_rules(blocks, keep_all(blocks))
    assert [d.keep for d in decisions] == [True] * 3 + [False] * 3
    assert {d.reason for d in decisions[3:]} == {"dup.in_page"} and {d.by for d in decisions[3:]} == {"page"}
    assert all(d.first_pass is not None and d.first_pass.keep for d in decisions[3:])


def test_a_paragraph_repeated_among_its_siblings_is_the_text_not_a_copy() -> None:
    refrain = "And the river ran on to the sea, as it always had and always will, whatever we said."
    blocks = blocks_of(f"<div><p>{ARTICLE[0]}</p><p>{refrain}</p><p>{ARTICLE[1]}</p><p>{refrain}</p></div>")
    assert all(d.keep for d in apply_page_rules(blocks, keep_all(blocks)))


def test_copies_differing_in_case_and_spaces_are_copies_but_short_repeats_are_not() -> None:
    texts = [ARTICLE[0], "Read more", "Read more", "  " + ARTICLE[0].upper() + " "]
    drops = page_rule_drops(texts, [True] * 4)
    assert drops == {3: ("dup.in_page", "repeats a block kept earlier on the page")}


def test_any_run_of_white_space_separates_words_alike_in_copies() -> None:
    # tabs, no-break and line-separator spaces, the information separators and NEL are all
    # white space to Python (str.isspace, the regex \\s): a copy spaced with them is a copy
    words = ARTICLE[0].split()
    spaced = "\u00a0" + "\t\u2028 ".join(words[:3]) + "\x1c\x85" + " \u3000".join(words[3:]) + "\r"
    assert page_rule_drops([ARTICLE[0], spaced], [True, True]) == {
        1: ("dup.in_page", "repeats a block kept earlier on the page")
    }
    assert page_rule_drops([ARTICLE[0], ARTICLE[0].replace(" ", "\u200b")], [True, True]) == {}  # not a space


def test_a_copy_of_a_dropped_block_is_not_a_copy_of_a_kept_one() -> None:
    texts = [ARTICLE[0], ARTICLE[0]]
    assert page_rule_drops(texts, [False, True]) == {}


def test_microdata_timestamps_are_dropped_but_dates_shown_to_people_are_left_to_the_extractor() -> None:
    texts = ["2019-11-13T23:06:00+01:00", "2021-02-03T10:15Z", "2021-02-03 10:15", "13 November 2019", ARTICLE[0]]
    drops = page_rule_drops(texts, [True] * 5)
    assert set(drops) == {0, 1} and {r for r, _ in drops.values()} == {"hidden.microdata"}


def test_a_block_at_the_top_of_the_page_repeated_there_is_not_a_copy() -> None:
    refrain = "Text straight in the body, twice, with no element of its own around it at all."
    blocks = blocks_of(f"{refrain}<br>{refrain}<div><p>{refrain}</p></div>")
    assert [b.text for b in blocks] == [refrain] * 3
    decisions = apply_page_rules(blocks, keep_all(blocks))
    assert [d.keep for d in decisions] == [True, True, False]  # the copy inside another element goes


def test_the_pipeline_applies_the_rules_whatever_the_extractor() -> None:
    page = (
        "<html><body><article>" + article_html() + "</article>"
        '<div><span itemprop="datePublished">2019-11-13T23:06:00+01:00</span></div>'
        "<div class='app-copy'>" + article_html() + "</div></body></html>"
    )
    for extractor in ("rules", "learned"):
        result = clean(page, config=Config(extractor=extractor))
        assert result.text.split("\n") == ARTICLE, extractor


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.sampled_from([*ARTICLE, "Share", "2020-01-01T00:00Z", ARTICLE[0].lower()]), max_size=12),
    data=st.data(),
)
def test_the_rules_only_drop_kept_blocks_and_keep_one_copy_of_each_text(texts: list[str], data: st.DataObject) -> None:
    keep = data.draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)))
    parents = data.draw(st.none() | st.lists(st.integers(0, 2), min_size=len(texts), max_size=len(texts)))
    drops = page_rule_drops(texts, keep, parents)
    assert all(keep[i] for i in drops)
    survivors = [(t.casefold(), i) for i, t in enumerate(texts) if keep[i] and i not in drops and len(t) >= 40]
    kept_long = {t.casefold() for i, t in enumerate(texts) if keep[i] and len(t) >= 40}
    assert {t for t, _ in survivors} == kept_long  # every long text kept survives at least once
    for text, i in survivors:  # and twice only under the parent of its first copy
        first = min(j for j, t in enumerate(texts) if keep[j] and t.casefold() == text)
        assert parents is not None or i == first
        assert parents is None or parents[i] == parents[first]


def test_a_contents_link_goes_and_the_heading_it_points_to_stays() -> None:
    blocks = blocks_of(
        '<ul class="toc"><li><a href="#bridge">The bridge</a></li><li><a href="#works">The works</a></li></ul>'
        f'<h2 id="bridge">The bridge</h2><p>{ARTICLE[0]}</p><h2 id="works">The works</h2><p>{ARTICLE[2]}</p>'
        '<p>See <a href="/b">The bridge</a></p>'
    )
    decisions = apply_page_rules(blocks, keep_all(blocks))
    dropped = {blocks[d.block].text: d for d in decisions if not d.keep}
    assert list(dropped) == ["The bridge", "The works"]
    assert [d.block for d in dropped.values()] == [0, 1]  # the contents entries, not the headings
    assert all(d.reason == "dup.in_page" and d.first_pass is not None and d.first_pass.keep for d in dropped.values())
    # Short repeats that are not a link before a non-link stay: two short lines in a table, a link after text.
    blocks = blocks_of("<p>Price</p><div><p>Price</p></div><p>Read more</p><div><a href='/x'>Read more</a></div>")
    assert all(d.keep for d in apply_page_rules(blocks, keep_all(blocks)))


def test_rows_of_a_layout_table_are_left_to_the_extractor() -> None:
    # an article cell beside a sidebar cell: one row, but page layout, not a record of data
    article = " ".join(ARTICLE * 2)  # one paragraph longer than any cell of data (630 characters)
    blocks = blocks_of(f"<table><tr><td><p>{article}</p></td><td><a href='/'>Home</a></td></tr></table>")
    decisions = [Decision(0, True, "content.article", "test"), Decision(1, False, "nav.menu", "test")]
    assert [d.keep for d in apply_page_rules(blocks, decisions)] == [True, False]
    # the same two cells with a short text are a record: the row goes together
    blocks = blocks_of("<table><tr><td><p>Opening hours of the library</p></td><td>9 to 17</td></tr></table>")
    decisions = [Decision(0, True, "content.article", "test"), Decision(1, False, "boilerplate.short", "test")]
    assert [d.keep for d in apply_page_rules(blocks, decisions)] == [True, True]
