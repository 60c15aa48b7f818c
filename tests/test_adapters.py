from cleaner.config import Config
from cleaner.extractors.adapters import JustextExtractor, TrafilaturaExtractor, align_output
from cleaner.model import Block, Document
from cleaner.page import Page
from cleaner.page.segment import parse_html, segment_html


def blocks_of(*texts: str) -> list[Block]:
    return [Block(index=i, text=t) for i, t in enumerate(texts)]


def kept(decisions) -> list[int]:
    return [d.block for d in decisions if d.keep]


def test_align_keeps_blocks_found_in_output_and_drops_the_rest():
    blocks = blocks_of(
        "Home",
        "A long paragraph of article text that is clearly content.",
        "Share",
        "Second paragraph with enough words to count.",
    )
    output = "A long paragraph of article text that is clearly content.\nSecond paragraph with enough words to count."
    decisions = align_output(blocks, output, "x")
    assert kept(decisions) == [1, 3]
    assert [d.reason for d in decisions] == [
        "extractor.not_selected",
        "content.selected",
        "extractor.not_selected",
        "content.selected",
    ]


def test_short_block_is_kept_only_right_after_the_previous_match():
    long = "This is the opening paragraph of the article, long enough to anchor."
    blocks = blocks_of("Menu", long, "Menu", "Subheading")
    output = f"{long}\nSubheading\nMore text of the article goes on for a good while here. Menu of the day."
    assert kept(align_output(blocks, output, "x")) == [1, 3]


def test_a_repeated_block_is_kept_as_often_as_the_output_holds_it():
    para = "The same paragraph appears twice in the page but once in the output."
    assert kept(align_output(blocks_of(para, para), para, "x")) == [0]


def test_out_of_order_long_blocks_still_align():
    a = "First long paragraph that the page shows in a sidebar before the body."
    b = "Second long paragraph that holds the beginning of the real article body."
    assert kept(align_output(blocks_of(a, b), f"{b}\n{a}", "x")) == [0, 1]


def test_list_marks_and_table_separators_in_output_are_ignored():
    blocks = blocks_of("First item of the list, long enough to be matched alone.", "Cell one", "Cell two")
    output = "- First item of the list, long enough to be matched alone.\n| Cell one | Cell two |"
    assert kept(align_output(blocks, output, "x")) == [0, 1, 2]


ARTICLE = """<html><head><title>Rain in Spain | Weather Site</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Rain in Spain</h1>
<p>The rain in Spain stays mainly in the plain, according to meteorologists who studied the region for years.</p>
<p>Farmers in the central plateau welcomed the downpour after a long dry summer that damaged many crops. They said that the water would help the olive trees and the wheat, and that they had waited for it since the spring, when the last rain fell on their fields.</p>
<p>Forecasters expect more showers over the weekend, with temperatures dropping by several degrees.</p>
</article>
<footer><p>Copyright 2024 Weather Site. All rights reserved.</p></footer></body></html>"""


def page_of(html: str) -> Page:
    tree = parse_html(html)
    doc = Document(id="x", source="x.html", input_type="html", content=html.encode())
    return Page(document=doc, markup=html, blocks=segment_html(tree), tree=tree)


def test_trafilatura_adapter_keeps_article_paragraphs_and_drops_navigation():
    page = page_of(ARTICLE)
    decisions = TrafilaturaExtractor().decide(page, Config())
    by_text = {page.blocks[d.block].text: d for d in decisions}
    assert by_text[
        "The rain in Spain stays mainly in the plain, according to meteorologists who studied the region for years."
    ].keep
    assert not by_text["Home"].keep and not by_text["Copyright 2024 Weather Site. All rights reserved."].keep
    assert all(d.by == "trafilatura" for d in decisions)
    # the shared tree is not modified by trafilatura's own cleaning
    assert [b.text for b in segment_html(page.tree)] == [b.text for b in page.blocks]


def test_justext_adapter_keeps_paragraphs_and_drops_menu():
    page = page_of(ARTICLE)
    decisions = JustextExtractor().decide(page, Config())
    by_text = {page.blocks[d.block].text: d.keep for d in decisions}
    assert by_text[next(t for t in by_text if t.startswith("Farmers in the central plateau"))]
    assert not by_text["Sport"]
