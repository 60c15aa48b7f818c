"""Markdown output: block roles from the markup, the renderer, and a round trip through a CommonMark parser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cleaner import Config, clean
from cleaner.extractors.page_rules import apply_page_rules
from cleaner.model import Block, Decision, Role
from cleaner.output.records import front_matter
from cleaner.page.markdown import escape_inline, escape_line, render_markdown
from cleaner.page.roles import bullet
from cleaner.page.segment import parse_html, segment_html, segment_text

PARSER = MarkdownIt("commonmark").enable("table")

ARTICLE = """<html><head><title>Trams return to the old town</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article>
<h1>Trams return to the old town</h1>
<p>The city council voted on Tuesday to bring trams back to the old town after forty years,
a decision that ends a decade of debate about traffic, noise and the cost of the works.</p>
<h2>What changes for riders</h2>
<p>Riders will see three changes when the first line opens in the spring of next year:</p>
<ul><li>a tram every six minutes at peak hours, and every ten minutes in the evening</li>
<li>one ticket for trams and buses, valid for ninety minutes on every line</li>
<li>new stops at the station, at the market square and near the university library</li></ul>
<h2>The timetable</h2>
<table><thead><tr><th>Stop</th><th>First tram</th><th>Last tram</th></tr></thead>
<tbody><tr><td>Station</td><td>05:10</td><td>23:40</td></tr>
<tr><td>Market square</td><td>05:16</td><td>23:46</td></tr></tbody></table>
<p>The council's engineers published the configuration the signalling system will use:</p>
<pre><code>line: 1
  headway_peak: 6
  headway_evening: 10</code></pre>
<blockquote><p>We waited forty years for this, and we are proud to see the trams come back home.</p></blockquote>
<p>Construction starts in the autumn and is expected to cost 480 million francs in total.</p>
</article>
<footer><p>Copyright 2024 The City Paper. All rights reserved.</p></footer>
</body></html>"""


def roles_of(html: str) -> dict[str, Role]:
    return {b.text: b.role for b in segment_html(parse_html(html))}


# ----------------------------------------------------------------------------- roles


def test_roles_from_markup() -> None:
    roles = roles_of(
        "<body><h3>Sub</h3><ol><li>first<ul><li>inner</li></ul></li></ol>"
        "<table><tr><th>Name</th></tr><tr><td><p>cell text</p></td></tr></table>"
        "<blockquote><blockquote><p>deep</p></blockquote></blockquote><pre>a  b</pre><p>plain</p></body>"
    )
    assert (roles["Sub"].kind, roles["Sub"].level) == ("heading", 3)
    assert (roles["first"].kind, roles["first"].level, roles["first"].ordered) == ("item", 1, True)
    assert (roles["inner"].kind, roles["inner"].level, roles["inner"].ordered) == ("item", 2, False)
    assert roles["Name"].header and roles["Name"].table and not roles["cell text"].header
    assert roles["Name"].row != roles["cell text"].row and roles["Name"].table == roles["cell text"].table
    assert roles["deep"].quote == 2
    assert roles["a b"].kind == "code"
    assert roles["plain"] == Role()
    assert roles["Sub"].label == "heading 3" and roles["first"].label == "numbered item"
    assert roles["deep"].label == "quote paragraph" and roles["Name"].label == "table header"


def test_aria_roles_give_structure() -> None:
    roles = roles_of(
        '<body><div role="heading" aria-level="4">Plans</div><div role="heading">Default level</div>'
        '<div role="heading" aria-level="nine">Bad level</div>'
        '<div role="list"><div role="listitem"><div>Unlimited apps</div></div>'
        '<div role="listitem">Premium support</div></div>'
        '<ol role="list"><li role="listitem">numbered still</li></ol>'
        '<table role="presentation"><tr><td>layout cell</td><td>other cell</td></tr></table>'
        '<div role="button">Buy now</div></body>'
    )
    assert (roles["Plans"].kind, roles["Plans"].level) == ("heading", 4)
    assert (roles["Default level"].kind, roles["Default level"].level) == ("heading", 2)  # ARIA's default
    assert roles["Bad level"].level == 2
    assert (roles["Unlimited apps"].kind, roles["Unlimited apps"].level) == ("item", 1)
    assert roles["Unlimited apps"].unit != roles["Premium support"].unit
    assert roles["numbered still"].ordered  # role="list" on an <ol> keeps its numbers
    assert roles["layout cell"].table == 0 and roles["other cell"].kind == "paragraph"
    assert roles["Buy now"] == Role()


def test_code_keeps_its_lines_and_indentation() -> None:
    blocks = segment_html(parse_html("<body><pre>\ndef f():\n    return  1\n</pre></body>"))
    assert [b.text for b in blocks] == ["def f(): return 1"]  # text stays collapsed, one line
    assert blocks[0].verbatim == "def f():\n    return  1"


def test_text_dump_lines_with_list_markers_are_items() -> None:
    blocks = segment_text("Intro line\n- first\n• second\n3. third\n2024 was a year")
    assert [b.role.kind for b in blocks] == ["paragraph", "item", "item", "item", "paragraph"]
    assert blocks[3].role.ordered and not blocks[1].role.ordered


# ----------------------------------------------------------------------------- rendering


def test_article_as_markdown() -> None:
    result = clean(ARTICLE, config=Config(markdown=True))
    text = result.text
    assert result.metadata["title"] == "Trams return to the old town"
    assert "Trams return to the old town" not in text  # the headline is in metadata.title only
    assert "## What changes for riders" in text
    assert "- a tram every six minutes" in text and "- new stops at the station" in text
    assert "| Stop | First tram | Last tram |\n| --- | --- | --- |\n| Station | 05:10 | 23:40 |" in text
    assert "```\nline: 1\n  headway_peak: 6\n  headway_evening: 10\n```" in text
    assert "> We waited forty years" in text
    assert "Home" not in text and "Copyright" not in text
    with_headline = clean(ARTICLE, config=Config(markdown=True, markdown_headline=True)).text
    assert with_headline.startswith("# Trams return to the old town\n\n")


def test_markdown_has_the_words_of_the_plain_text() -> None:
    plain = clean(ARTICLE).text
    markdown = clean(ARTICLE, config=Config(markdown=True, markdown_headline=True)).text
    words = lambda t: [w for w in "".join(c if c.isalnum() else " " for c in t).split()]  # noqa: E731
    assert words(markdown) == words(plain)


def test_bullet_written_as_text_is_the_item_marker() -> None:
    blocks = segment_html(
        parse_html("<body><p>· first point</p><div>• second point<br>• third</div><p>0 · x</p></body>")
    )
    text = render_markdown(blocks, [Decision(b.index, True, "content.article", "test") for b in blocks])
    assert text.split("\n") == ["- first point", "- second point", "- third", "", "0 · x"]


def test_escaping_keeps_plain_text_plain() -> None:
    assert escape_inline("a *b* [c](d) <e> snake_case _x_ 1 & 2 &amp;") == (
        "a \\*b\\* \\[c\\](d) \\<e> snake_case \\_x_ 1 & 2 \\&amp;"  # "_" after a letter only closes: no opener
    )
    assert escape_inline("要______主的 a__b 1_000 这是______") == "要______主的 a__b 1_000 这是______"  # one word each
    assert escape_line("# not a heading") == "\\# not a heading"
    assert escape_line("1. not a list") == "1\\. not a list"
    assert escape_line("- not an item") == "\\- not an item"
    for text in ("# x", "1. x", "- x", "> x", "* x", "---", "```", "<div>", "[a]: /url"):
        html = PARSER.render(escape_line(text))
        assert html.startswith("<p>") and html.count("<") == 2, (text, html)  # one paragraph, no other tag


def _blocks(*specs: tuple[str, Role]) -> tuple[list[Block], list[Decision]]:
    blocks = [Block(i, text, tag="p", role=role) for i, (text, role) in enumerate(specs)]
    return blocks, [Decision(i, True, "content.article", "test") for i in range(len(blocks))]


def test_layout_table_is_written_as_paragraphs() -> None:
    long = "A long paragraph of the article that sits in a layout table cell. " * 8
    blocks, decisions = _blocks(
        (long, Role(table=1, row=2, cell=3)), ("Sidebar link", Role(table=1, row=2, cell=4)), ("x", Role(table=1))
    )
    text = render_markdown(blocks, decisions)
    assert "|" not in text and text.startswith("A long paragraph")


def test_tables_of_odd_shapes_keep_their_columns() -> None:
    html = (
        "<body><table><thead><tr><th>Line</th><th>Stops</th><th>Note</th></tr></thead>"
        "<tr><td rowspan='2'>Tram 1</td><td></td><td>night service | weekends</td></tr>"
        "<tr><td>Station</td><td>from May</td></tr>"
        "<tr><td colspan='2'>Every line</td><td>free on Sundays</td></tr></table></body>"
    )
    blocks = segment_html(parse_html(html))
    assert [(b.text, b.role.column) for b in blocks][3:7] == [
        ("Tram 1", 0),
        ("night service | weekends", 2),
        ("Station", 1),
        ("from May", 2),
    ]  # the empty cell holds column 1; the rowspan holds column 0 in the row below
    text = render_markdown(blocks, [Decision(i, True, "content.article", "test") for i in range(len(blocks))])
    assert text.split("\n") == [
        "| Line | Stops | Note |",
        "| --- | --- | --- |",
        "| Tram 1 |  | night service \\| weekends |",
        "|  | Station | from May |",
        "| Every line |  | free on Sundays |",
    ]
    tokens = PARSER.parse(text)
    assert [t.type for t in tokens].count("table_open") == 1
    cells = [c.content for c in tokens if c.type == "inline"]
    assert cells[5] == "night service | weekends" and len(cells) == 12  # the pipe stayed inside its cell
    # Odd spans do not break the layout: a huge colspan is capped, a bad value counts as 1.
    blocks = segment_html(parse_html("<table><tr><td colspan='9999'>a</td><td colspan='x'>b</td></tr></table>"))
    assert [b.role.column for b in blocks] == [0, 50]


def test_a_row_is_kept_or_dropped_whole() -> None:
    html = "<body><table><tr><td>Price</td><td>The yearly fee for members is 120 francs</td></tr></table></body>"
    blocks = segment_html(parse_html(html))
    decisions = [Decision(0, False, "boilerplate.short", "test"), Decision(1, True, "content.article", "test")]
    out = apply_page_rules(blocks, decisions)
    assert [d.keep for d in out] == [True, True]
    assert out[0].reason == "content.context" and out[0].first_pass == decisions[0]
    decisions = [Decision(0, True, "content.article", "test"), Decision(1, False, "boilerplate.other", "test")]
    assert [d.keep for d in apply_page_rules(blocks, decisions)] == [False, False]


# ----------------------------------------------------------------------------- round trip


def _verbatim(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n") or "x"


_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1)
_WORDS = _TEXT.map(lambda t: " ".join(t.split())).filter(bool)
_SPEC = st.one_of(
    st.tuples(st.just("heading"), _WORDS, st.integers(1, 6)),
    # a bullet written as text at a block's start ("· 0") is its list marker: test_bullet_written_as_text
    st.tuples(st.just("item"), _WORDS.filter(lambda w: bullet(w) is None), st.integers(1, 3)),
    st.tuples(st.just("paragraph"), _WORDS.filter(lambda w: bullet(w) is None), st.just(0)),
    # code as the segmenter gives it (Block.verbatim): its lines, no blank line at either end
    st.tuples(st.just("code"), st.lists(_TEXT.map(str.rstrip), min_size=1, max_size=3).map(_verbatim), st.just(0)),
    st.tuples(st.just("table"), st.lists(_WORDS.filter(lambda w: len(w) < 60), min_size=4, max_size=4), st.just(0)),
)


def _page(specs: list[tuple[str, object, int]]) -> tuple[list[Block], list[Decision]]:
    """Blocks with the given roles; every element (and so every unit) numbered apart."""
    blocks: list[Block] = []
    for number, (kind, content, level) in enumerate(specs, start=1):
        if kind == "table":  # a 2 x 2 data table
            cells = list(content)  # type: ignore[call-overload]
            for i, cell in enumerate(cells):
                row, serial = number * 100 + 1 + i // 2, number * 100 + 10 + i
                role = Role(table=number * 100, row=row, cell=serial, header=i < 2, column=i % 2)
                blocks.append(Block(len(blocks), cell, tag="td", role=role))
        elif kind == "code":
            code = str(content)
            text = " ".join(code.split()) or "x"
            blocks.append(Block(len(blocks), text, tag="pre", role=Role("code", unit=number), verbatim=code))
        else:
            blocks.append(Block(len(blocks), str(content), tag="p", role=Role(kind, level, unit=number)))
    return blocks, [Decision(i, True, "content.article", "test") for i in range(len(blocks))]


def _inline_text(token: object) -> str:
    return "".join(c.content for c in token.children if c.type in ("text", "code_inline", "softbreak"))  # type: ignore[attr-defined]


def _normal(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=100, deadline=None)
@given(st.lists(_SPEC, min_size=1, max_size=8))
def test_markdown_round_trip(specs: list[tuple[str, object, int]]) -> None:
    """Headings, items, paragraphs, code and tables come back from a CommonMark parser with their text."""
    blocks, decisions = _page(specs)
    tokens = PARSER.parse(render_markdown(blocks, decisions))
    headings = [_inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    items = [_inline_text(tokens[i + 2]) for i, t in enumerate(tokens) if t.type == "list_item_open"]
    code = [t.content.rstrip("\n") for t in tokens if t.type == "fence"]
    cells = [_inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type in ("th_open", "td_open")]
    assert headings == [_normal(str(c)) for k, c, _ in specs if k == "heading"]
    assert items == [_normal(str(c)) for k, c, _ in specs if k == "item"]
    assert code == [str(c) for k, c, _ in specs if k == "code"]
    assert cells == [_normal(c) for k, c, _ in specs if k == "table" for c in c]  # type: ignore[attr-defined]


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "author", "date", "url"]), _TEXT, min_size=1))
def test_front_matter_reads_back_as_yaml(metadata: dict[str, str]) -> None:
    head = front_matter(metadata)
    assert head.startswith("---\n") and head.endswith("\n---\n\n")
    assert yaml.safe_load(head[4:-6]) == metadata


# ----------------------------------------------------------------------------- CLI


def test_cli_markdown_and_md_folder(tmp_path: Path) -> None:
    page = tmp_path / "in" / "trams.html"
    page.parent.mkdir()
    page.write_text(ARTICLE, encoding="utf-8")
    run = [sys.executable, "-m", "cleaner.cli", "clean", str(page.parent), "-j", "1"]
    out = subprocess.run([*run, "--markdown", "-o", str(tmp_path / "a.jsonl")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    record = json.loads((tmp_path / "a.jsonl").read_text("utf-8"))
    assert "## What changes for riders" in record["text"]
    out = subprocess.run([*run, "--format", "md", "-o", str(tmp_path / "md") + "/"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    written = (tmp_path / "md" / "trams.md").read_text("utf-8")
    head, body = written.split("\n---\n\n", 1)
    assert yaml.safe_load(head[4:])["title"] == "Trams return to the old town"
    assert body.startswith("The city council voted") and "| Station | 05:10 | 23:40 |" in body
