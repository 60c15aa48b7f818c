"""--links: the kept text's links as Markdown links, read back by a CommonMark parser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cleaner import Config, clean
from cleaner.model import Block, Decision
from cleaner.page.markdown import render_markdown
from cleaner.page.roles import bullet
from cleaner.page.segment import parse_html, segment_html

PARSER = MarkdownIt("commonmark").enable("table")

PAGE = """<html><head><title>Trams return to the old town</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Trams return to the old town</h1>
<p>The city council <a href="/votes/2024">voted on Tuesday</a> to bring trams back after forty years,
as <a href="https://example.org/report (final).pdf">the final report</a> advised, a decision that
ends a decade of <a href="#debate">debate</a> about traffic, noise and the cost of the works.</p>
<p>Riders will see three changes when the first line opens in the spring of next year, the
council's transport office said in a statement <a href="javascript:share()">shared</a> on Wednesday.</p>
</article></body></html>"""


def links_of(html: str) -> dict[str, tuple[tuple[str, str], ...]]:
    return {b.text: b.links for b in segment_html(parse_html(html), links=True)}


def test_blocks_carry_their_links_in_order() -> None:
    blocks = links_of(
        '<body><p>See <a href="/a">the  first\n one</a> and <a href="b.html"><b>the</b> second</a>.</p>'
        '<p><a href="">no target</a> but <a>no href</a></p></body>'
    )
    assert blocks["See the first one and the second."] == (("the first one", "/a"), ("the second", "b.html"))
    assert blocks["no target but no href"] == ()


def test_a_link_around_blocks_gives_each_block_its_part() -> None:
    blocks = links_of('<body><a href="/story"><h3>Card title</h3><p>Card teaser text</p></a></body>')
    assert blocks["Card title"] == (("Card title", "/story"),)
    assert blocks["Card teaser text"] == (("Card teaser text", "/story"),)


def test_links_are_not_collected_unless_asked() -> None:
    assert all(b.links == () for b in segment_html(parse_html('<body><p><a href="/a">x</a></p></body>')))


def test_page_with_links_as_markdown() -> None:
    result = clean(PAGE, url="https://news.example.com/city/trams.html", config=Config(links=True))
    assert result.metadata["title"] == "Trams return to the old town"
    text = result.text
    assert "[voted on Tuesday](https://news.example.com/votes/2024)" in text
    # Spaces and parentheses in a target are encoded, so the target stays one destination.
    assert "[the final report](https://example.org/report%20%28final%29.pdf)" in text
    # In-page anchors and scripts lead nowhere a reader of the text can go: their words stay, unlinked.
    assert "of debate about" in text and "#debate" not in text
    assert "statement shared on" in text and "javascript" not in text
    assert "[Home]" not in text  # the navigation is still removed
    plain = clean(PAGE, url="https://news.example.com/city/trams.html", config=Config(markdown=True))
    assert "[" not in plain.text and "](" not in plain.text


def test_links_turn_markdown_on() -> None:
    assert Config(links=True).markdown


def test_table_cell_link_keeps_the_row_shape() -> None:
    html = (
        "<body><table><tr><th>Stop</th><th>Map</th></tr>"
        '<tr><td>Station</td><td><a href="/map?lines=1|2">map</a></td></tr>'
        "<tr><td>Square</td><td>none</td></tr></table></body>"
    )
    blocks = segment_html(parse_html(html), links=True)
    text = render_markdown(blocks, [Decision(b.index, True, "content.article", "test") for b in blocks], links=True)
    rows = [line for line in text.split("\n") if line.startswith("|")]
    assert rows[2] == "| Station | [map](/map?lines=1%7C2) |"
    tokens = PARSER.parse(text)
    hrefs = [c.attrs["href"] for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "link_open"]
    assert hrefs == ["/map?lines=1%7C2"]


_WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
_HREFS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30),
    st.sampled_from(["/a", "b.html", "https://x.org/a b", "http://x.org/(x)", "?q=a|b", "mailto:a@b.c"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_WORDS, st.booleans(), _HREFS), min_size=1, max_size=6))
def test_links_round_trip(pieces: list[tuple[str, bool, str]]) -> None:
    """Random running text with links: the parser finds each live link with its text, and the words."""
    texts = [" ".join(p.split()) for p, _, _ in pieces]
    pieces = [(t, linked, h.strip()) for t, (_, linked, h) in zip(texts, pieces, strict=True) if t]
    if not pieces:
        return
    text = " ".join(t for t, _, _ in pieces)
    assume(bullet(text) is None)  # a bullet written as text ("• ...") becomes a list marker: test_markdown
    links = tuple((t, h) for t, linked, h in pieces if linked)
    block = Block(index=0, text=text, tag="p", links=links)
    rendered = render_markdown([block], [Decision(0, True, "content.article", "test")], links=True)
    tokens = PARSER.parse(rendered)
    found = []
    words = []
    for token in tokens:
        if token.type != "inline":
            continue
        link_text: list[str] | None = None  # the open link's text pieces
        for child in token.children or []:
            if child.type == "link_open":
                link_text = []
            elif child.type == "link_close" and link_text is not None:
                found.append("".join(link_text))
                link_text = None
            elif child.type in ("text", "code_inline", "softbreak"):
                content = child.content if child.type != "softbreak" else " "
                words.append(content)
                if link_text is not None:
                    link_text.append(content)
    live = [
        t
        for t, linked, h in pieces
        if linked and h and not h.lower().startswith(("#", "javascript:", "data:", "about:"))
    ]
    # Each live link comes back as a link with its own text, in order (where a link's text
    # also occurs earlier, the earlier occurrence is linked: the same words either way).
    assert found == live
    assert " ".join("".join(words).split()) == " ".join(text.split())


def test_cli_links(tmp_path: Path) -> None:
    page = tmp_path / "trams.html"
    page.write_text(PAGE, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", "clean", str(page), "--links", "-o", "-"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert record["metadata"]["text_format"] == "markdown"
    # A local file has no URL: its relative targets stay relative.
    assert "[voted on Tuesday](/votes/2024)" in record["text"]
