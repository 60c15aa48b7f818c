"""The compiled page walk gives exactly the blocks of the pure-Python reference walk.

Every field of every block is compared (text, tag, tag path, class/id tokens, link
characters, containers, role, verbatim text, links), with and without links, on generated
HTML (nested block and inline elements, tables with spans, lists, ARIA roles, ``<pre>``,
links, hidden markers, comments, entities, broken markup) and on a sample of devdata pages.
The lean mode of both walks (``walk_texts``, what the corpus pass hashes) gives the texts
and link characters of those blocks, hence the same block hashes.

The compiled walk must be built for these tests: where it is not, they skip, except in CI
(``CLEANER_REQUIRE_COMPILED=1``, set by .ci/run), where a missing build fails them.
"""

from __future__ import annotations

import lxml.html
import pytest
from compiled_parts import DEVDATA, NO_DEVDATA, blocked, devdata_sample, equivalence_settings, probe_runs, require
from hypothesis import given
from hypothesis import strategies as st

from cleaner.corpus.keys import block_keys, document_keys, text_keys, unique_keys
from cleaner.page.segment import parse_html
from cleaner.page.walk_reference import walk_blocks as reference_walk
from cleaner.page.walk_reference import walk_texts as reference_texts

compiled = require("cleaner.page.walk_compiled", "the compiled page walk's parts")
compiled_walk, compiled_texts = compiled.walk_blocks, compiled.walk_texts

# Devdata pages compared: every dataset is represented, in about 5 s on one core.
DEVDATA_PAGES = 60
# Generated pages per run (about 6 s; make fuzz runs more).
EQUIVALENCE = equivalence_settings(200)


def assert_same_blocks(tree: object) -> None:
    for links in (False, True):
        expected = reference_walk(tree, links)
        got = compiled_walk(tree, links)
        assert len(got) == len(expected)
        for mine, theirs in zip(got, expected, strict=True):
            assert mine == theirs  # dataclass equality: every field
            # equal values of the same types (True == 1, but a bool role field stays a bool)
            assert [type(v) for v in vars_of(mine)] == [type(v) for v in vars_of(theirs)]
    assert_same_texts(tree)


def assert_same_texts(tree: object) -> None:
    """Both lean walks give the blocks' texts and link characters, so the keys of segment_html's blocks."""
    blocks = reference_walk(tree, False)
    texts = [b.text for b in blocks]
    link_chars = [b.link_chars for b in blocks]
    for lean_walk in (reference_texts, compiled_texts):
        got_texts, got_links = lean_walk(tree)
        assert got_texts == texts
        assert got_links == link_chars
        assert all(type(n) is int for n in got_links)
        keys = text_keys(got_texts, got_links, collapsed=True)  # what pass 1 (pipeline.site_keys) hashes
        assert keys.tolist() == block_keys(blocks).tolist()
        assert unique_keys(keys).tolist() == document_keys(blocks).tolist()


def vars_of(block: object) -> list[object]:
    role = block.role  # type: ignore[attr-defined]
    fields = [getattr(block, name) for name in block.__slots__]  # type: ignore[attr-defined]
    return fields + [getattr(role, name) for name in role.__slots__]


# --- generated HTML ------------------------------------------------------------------

TAGS = [
    "div", "p", "span", "b", "a", "li", "ul", "ol", "menu", "pre", "code", "blockquote", "h1", "h3", "h6",
    "table", "thead", "tbody", "tr", "td", "th", "section", "nav", "footer", "article", "noscript",
    "script", "style", "template", "svg", "select", "option", "textarea", "button", "form", "em", "figure",
    "figcaption", "details", "summary", "font", "fb:like", "o:p",
]  # fmt: skip
VOID = ["br", "hr", "img", "input", "wbr"]
ATTRIBUTES = [
    "class", "id", "role", "hidden", "aria-hidden", "aria-level", "style", "colspan", "rowspan", "href",
    "CLASS", "data-x",
]  # fmt: skip
VALUES = st.sampled_from(
    [
        "", "nav", "main-menu item", "comment_list", "page-id-2430", "12", "list", "listitem", "heading",
        "presentation", "none", "ROW", "true", "false", "display: none", "VISIBILITY:hidden", "3", "0", "-2",
        "x", "/a?b=1&amp;c=2", "  /path  ", "js:void(0)", "a.b:c/d", "md:hidden", "fa/icon 7", "v1.2", "Ünïcode_Клас", "2 3", "\u00a0nbsp\u2028",
    ]
)  # fmt: skip
# Text with the white space str.split knows and libxml2 keeps, entities, and markup-like characters.
TEXT = st.text(
    alphabet=st.sampled_from(list("ab Z09.,-\t\n\r") + ["\u00a0", "\u2028", "\x0b", "\x1c", "\x85", "é", "中"]),
    max_size=12,
) | st.sampled_from(["&amp;", "&nbsp;", "&#x2028;", "&lt;p&gt;", "&bogus;", "<", "&", " ", "", "\n  \n"])
EXTRA = st.sampled_from(
    [
        "<!-- a comment -->", "<?php echo 1 ?>", "<![CDATA[cdata]]>", "</p>", "</div>", "</td>", "<p>",
        "<td>", "<li>", "</a>", "<a href='/open'>", "<tr>", "<table>", "<!DOCTYPE html>", "<body class='late'>",
    ]
)  # fmt: skip


@st.composite
def attributes(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=4))
    parts = []
    for name in names:
        if draw(st.booleans()) and name in ("hidden", "class"):
            parts.append(name)  # no value
        else:
            value = draw(VALUES).replace('"', "")
            parts.append(f'{name}="{value}"')
    return (" " + " ".join(parts)) if parts else ""


def fragments(depth: int) -> st.SearchStrategy[str]:
    leaf = TEXT | EXTRA | st.builds(lambda tag, attrs: f"<{tag}{attrs}>", st.sampled_from(VOID), attributes())
    if depth == 0:
        return leaf

    @st.composite
    def element(draw: st.DrawFn) -> str:
        tag = draw(st.sampled_from(TAGS))
        inner = "".join(draw(st.lists(fragments(depth - 1), max_size=4)))
        closed = draw(st.integers(0, 9)) > 0  # now and then an element left open: broken markup
        return f"<{tag}{draw(attributes())}>{inner}" + (f"</{tag}>" if closed else "")

    return leaf | element()


PAGES = st.lists(fragments(4), min_size=1, max_size=6).map(lambda parts: "<html><body>" + "".join(parts))


@EQUIVALENCE
@given(PAGES)
def test_both_walks_give_identical_blocks_on_generated_html(markup: str) -> None:
    assert_same_blocks(parse_html(markup))
    # parse_html drops comments and processing instructions; a tree parsed by someone else
    # keeps them, and both walks read it alike
    assert_same_blocks(lxml.html.document_fromstring(markup))


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><p>One <a href='/x'>two <b>three</b></a> four</p></body></html>",
        "<html><head><title>t</title></head><p>no body element written</p>",
        "<div>a fragment without html or body</div>",
        "<table><tr><td rowspan=2 colspan=2>a</td><td>b</td></tr><tr><td>c</td></tr><tr><th>d</th></tr></table>",
        "<ul role='presentation'><li>x</li></ul><div role='heading' aria-level='9'>h</div><div role='list'><div role='listitem'>i</div></div>",
        "<pre>\n  def f():\n\treturn 1\n\n</pre><blockquote><blockquote><p>q</p></blockquote></blockquote>",
        "<a href='/a'>link <p>across a block</p> end</a>",
        "<p class='a b a-b' id='x_y' hidden aria-hidden='true' style='DISPLAY: none'>hidden</p>",
        "<script>no</script>tail after script<p>text</p>",
        "<body>" + "<div class='flex bg-white px-4 md:hidden c{}'>".format("x" * 3) * 40 + "deep</body>",
    ],
)
def test_both_walks_give_identical_blocks_on_hand_written_pages(markup: str) -> None:
    assert_same_blocks(parse_html(markup))
    assert_same_blocks(lxml.html.fromstring(markup))  # a tree parsed another way, comments kept


def test_both_walks_accept_any_element_as_the_root() -> None:
    tree = parse_html("<html><body><div id='a'><p>one</p>two</div><p>three</p></body></html>")
    for element in tree.iter():
        assert compiled_walk(element, True) == reference_walk(element, True)
        assert compiled_texts(element) == reference_texts(element)


@pytest.mark.skipif(not DEVDATA.is_dir(), reason=NO_DEVDATA)
def test_both_walks_give_identical_blocks_on_devdata_pages() -> None:
    for _page, html in devdata_sample(DEVDATA_PAGES):
        try:
            tree = parse_html(html)
        except Exception:  # a page lxml cannot parse has no blocks on either path
            continue
        assert_same_blocks(tree)


def test_the_pure_python_walk_is_chosen_when_asked_or_when_the_extension_is_missing() -> None:
    probe = (
        "warnings.simplefilter('always')\n"
        "{block}"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    from cleaner.page import segment\n"
        "    for _ in range(3): segment.segment_html(segment.parse_html('<p>x</p>'))\n"
        "print(segment.SEGMENTER, sum(issubclass(w.category, RuntimeWarning) for w in caught))\n"
    )
    runs = {"built": (False, ""), "forced": (True, ""), "missing": (False, blocked("cleaner.page.walk_compiled"))}
    seen = probe_runs(probe, runs)
    assert seen["built"] == ["compiled", "0"]
    assert seen["forced"] == ["python", "(CLEANER_PURE_PYTHON)", "0"]  # asked for: no warning
    assert seen["missing"] == ["python", "1"]  # one warning, however many pages
