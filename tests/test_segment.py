import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.errors import InputError
from cleaner.page import segment, walk_reference
from cleaner.page.segment import parse_html, segment_html, segment_text

try:
    from cleaner.page import walk_compiled
except ImportError:  # not built: the compiled runs skip (tests/test_walk_equivalence.py fails in CI)
    walk_compiled = None  # type: ignore[assignment]


@pytest.fixture(autouse=True, params=["python", "compiled"])
def walk(request, monkeypatch):
    """Every test here runs on both tree walks: the pure-Python reference and the compiled one."""
    if request.param == "compiled":
        if walk_compiled is None:
            pytest.skip("the compiled page walk is not built")
        monkeypatch.setattr(segment, "_WALK", walk_compiled.walk_blocks)
    else:
        monkeypatch.setattr(segment, "_WALK", walk_reference.walk_blocks)
    return request.param


def texts(html: str) -> list[str]:
    return [b.text for b in segment_html(parse_html(html))]


def test_block_level_elements_split_blocks_and_inline_elements_do_not():
    html = "<html><body><h1>Title</h1><p>One <b>bold</b> <a href='#'>link</a> here.</p><div>Two<p>Three</p>Four</div></body></html>"
    assert texts(html) == ["Title", "One bold link here.", "Two", "Three", "Four"]


def test_scripts_styles_and_head_are_not_text():
    html = "<html><head><title>T</title><style>p{}</style></head><body><script>var x=1;</script><p>Visible</p></body></html>"
    assert texts(html) == ["Visible"]


def test_noscript_text_is_a_block_marked_by_its_path():
    # what a browser without scripts shows; some forums serve their posts only there
    html = "<html><body><p>Menu</p><noscript><div class='post'><p>First post text</p></div></noscript></body></html>"
    blocks = segment_html(parse_html(html))
    assert [b.text for b in blocks] == ["Menu", "First post text"]
    assert "noscript" in blocks[1].tag_path and "noscript" not in blocks[0].tag_path


def test_block_carries_tag_path_link_chars_and_ancestor_tokens():
    html = "<html><body><nav class='main-menu' id='top'><ul><li><a href='/'>Home page</a></li></ul></nav><article><p>Plain text <a href='/x'>xx</a></p></article></body></html>"
    blocks = segment_html(parse_html(html))
    menu, para = blocks
    assert menu.tag == "li" and menu.tag_path[-4:] == ("nav", "ul", "li", "a")
    assert {"main-menu", "main", "menu", "top"} <= menu.attr_tokens
    assert menu.link_chars == len("Home page") and menu.link_density == 1.0
    assert para.tag == "p" and "article" in para.tag_path
    assert para.link_chars == 2 and para.link_density < 0.2
    assert "menu" not in para.attr_tokens


def test_hidden_content_is_kept_but_marked():
    html = "<html><body><div hidden><p>Server-rendered article text.</p></div></body></html>"
    (block,) = segment_html(parse_html(html))
    assert block.text == "Server-rendered article text." and "attr:hidden" in block.attr_tokens


def test_text_after_an_unclosed_button_is_not_lost():
    html = "<html><body><header><button><div>Menu</button></header><main><p>The article survives broken markup.</p></main></body></html>"
    assert "The article survives broken markup." in texts(html)


def test_br_separates_blocks_and_whitespace_collapses():
    assert texts("<html><body><p>line one<br>line\n\n   two</p></body></html>") == ["line one", "line two"]


def test_nesting_too_deep_is_an_error_not_an_empty_page():
    deep = "<html><body><p>before</p>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body></html>"
    with pytest.raises(InputError, match="nested too deep"):
        parse_html(deep)


def test_moderately_deep_nesting_keeps_all_text():
    deep = "<html><body><p>before</p>" + "<div>" * 1000 + "deep" + "</div>" * 1000 + "<p>after</p></body></html>"
    assert texts(deep) == ["before", "deep", "after"]


def test_empty_markup_is_an_error():
    with pytest.raises(InputError):
        parse_html("   \n")


def test_segment_text_keeps_line_numbers_and_skips_blank_lines():
    blocks = segment_text("Title\n\n  First paragraph.  \n\t\nLast")
    assert [(b.index, b.line_no, b.text) for b in blocks] == [
        (0, 0, "Title"),
        (1, 2, "First paragraph."),
        (2, 4, "Last"),
    ]


def test_nearest_class_tokens_survive_the_cap_on_utility_class_pages():
    # Tailwind-style wrappers fill the token cap before the block's own container is reached
    utility = " ".join(f"u{i}" for i in range(70))
    html = f"<html><body><div class='{utility}'><nav class='site-nav'><ul><li><a href='/'>Home</a></li></ul></nav></div></body></html>"
    (block,) = segment_html(parse_html(html))
    assert {"site-nav", "nav"} <= block.attr_tokens
    assert len(block.attr_tokens) <= 64


# Every character str.splitlines splits on, among letters, spaces and markup pieces.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_TEXT = st.text(alphabet=st.sampled_from([*LINE_BREAKS, "a", "B", " ", "\t", "\xa0", "é"]))
# In markup, line breaks written as character references too.
_MARKUP_TEXT = st.lists(st.one_of(_TEXT, st.sampled_from(["&amp;", "&#10;", "&#13;", "&#8232;", "&#x85;"]))).map(
    "".join
)
_TAGS = ["p", "div", "span", "a", "br", "li", "pre", "td", "h1", "b", "noscript", "script", "textarea"]


@st.composite
def _markup(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(st.sampled_from(_TAGS))
        text = draw(_MARKUP_TEXT)
        parts.append(f"<{tag}>{text}</{tag}>" if draw(st.booleans()) else f"<{tag}>{text}")
    return "<html><body>" + "".join(parts) + "</body></html>"


@settings(max_examples=200, deadline=None)
@given(_markup())
def test_no_html_block_holds_a_line_break(markup: str) -> None:
    for block in segment_html(parse_html(markup)):
        assert block.text.splitlines() == [block.text], repr(block.text)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_no_text_block_holds_a_line_break(text: str) -> None:
    for block in segment_text(text):
        assert block.text.splitlines() == [block.text], repr(block.text)
