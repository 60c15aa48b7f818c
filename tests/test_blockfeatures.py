"""Block features for the learned extractor, checked on a small page built for the purpose."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.page.features import block_features
from cleaner.page.language import stopwords
from cleaner.page.markup import MAX_ATTR_TOKENS
from cleaner.page.matrix import HTML_COLUMNS, TEXT_COLUMNS, feature_matrix, feature_names, run_ids, window_mean
from cleaner.page.segment import parse_html, segment_html
from cleaner.page.vocabulary import ATTR_GROUPS, HIDDEN_MARKERS, KEYWORDS, attr_rows, keyword_positions, token_bits

PAGE = """<html lang="en"><body>
<nav class="main-navigation"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article class="post-content">
<h1>Storm closes the harbour</h1>
<p>The harbour was closed on Sunday after a storm damaged the northern pier, and the ferry company said
that crossings would resume once engineers had inspected the moorings.</p>
<p>Read more about <a href="/x">the pier</a> in our archive.</p>
</article>
<div class="share-buttons" hidden><a href="#">Share on Facebook</a></div>
<footer><p>© 2024 Harbour News. All rights reserved.</p></footer>
</body></html>"""


@pytest.fixture(scope="module")
def page():
    blocks = segment_html(parse_html(PAGE))
    matrix = feature_matrix(blocks, block_features(blocks, stopwords("en")), html=True)
    col = {name: matrix[:, i] for i, name in enumerate(HTML_COLUMNS)}
    index = {b.text.split()[0]: b.index for b in blocks}
    return blocks, matrix, col, index


def test_one_row_per_block_and_named_columns(page) -> None:
    blocks, matrix, _col, _index = page
    assert matrix.shape == (len(blocks), len(HTML_COLUMNS))
    assert feature_names(True) == HTML_COLUMNS and feature_names(False) == TEXT_COLUMNS
    assert np.isfinite(matrix).all()
    assert feature_matrix([], [], html=True).shape == (0, len(HTML_COLUMNS))


def test_links_containers_and_keywords(page) -> None:
    _blocks, _matrix, col, i = page
    assert col["link_density"][i["Home"]] == 1.0 and col["all_link"][i["Home"]] == 1.0
    assert col["anc_nav"][i["Home"]] == 1.0 and col["attr_nav"][i["Home"]] == 1.0  # "main-navigation"
    assert col["anc_nav"][i["The"]] == 0.0 and col["anc_article"][i["The"]] == 1.0
    assert col["attr_content"][i["The"]] == 1.0  # "post-content"
    assert 0.0 < col["link_density"][i["Read"]] < 0.5
    assert col["kw_readmore"][i["Read"]] == 1.0
    assert col["attr_share"][i["Share"]] == 1.0 and col["hidden"][i["Share"]] == 1.0
    assert col["kw_copyright"][i["©"]] == 1.0 and col["anc_footer"][i["©"]] == 1.0
    assert col["tag_h1"][i["Storm"]] == 1.0
    assert col["terminal"][i["The"]] == 1.0 and col["terminal"][i["Home"]] == 0.0


def test_neighbour_columns_copy_the_neighbours(page) -> None:
    _blocks, _matrix, col, i = page
    the = i["The"]
    assert col["log_chars@-1"][the] == col["log_chars"][the - 1]
    assert col["log_chars@+1"][the] == col["log_chars"][the + 1]
    assert col["log_chars@-1"][0] == -1.0  # nothing before the first block


def test_class_stems_match_inside_tokens_but_ad_only_whole() -> None:
    groups = list(ATTR_GROUPS)
    bit = {name: 1 << g for g, name in enumerate(groups)}
    assert token_bits("site-footer") & bit["footer"]
    assert token_bits("colophon") & bit["footer"] and token_bits("colophon") & bit["table"]  # "col" too
    assert not token_bits("header") & bit["ad"]  # "ad" inside a word is not an advert
    assert token_bits("ads") & bit["ad"]
    assert token_bits("md:hidden") == 0  # utility classes with a colon name no role


def _bits_by_definition(token: str) -> int:
    """A token's group bits as ATTR_GROUPS define them, written plainly: every stem it contains."""
    if ":" in token:
        return 0
    bits = 0
    for g, (name, stems) in enumerate(ATTR_GROUPS.items()):
        if (token in stems) if name == "ad" else any(stem in token for stem in stems):
            bits |= 1 << g
    return bits


# Pieces of tokens: stems that overlap or extend one another, and filler.
_TOKEN_PIECES = st.sampled_from(
    ["nav", "navigation", "post", "postbody", "body", "ad", "ads", "banner", "banner-ad", "col", "colophon", "-",
     "_", "x", "tag", "tags", "read-next", "sign", "sign-up", "md:", "ü", "1", "share", "more", "item"]
)  # fmt: skip
_TOKENS = st.lists(_TOKEN_PIECES, min_size=1, max_size=5).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.frozensets(_TOKENS | st.sampled_from(HIDDEN_MARKERS), max_size=6), max_size=8))
def test_class_rows_are_the_or_of_their_tokens_stems(token_sets: list[frozenset[str]]) -> None:
    # The trie regex over a page's tokens joined, and the rows made for all sets at once,
    # must give what the groups' definition says token by token, set by set.
    rows = attr_rows(token_sets)
    assert rows.shape == (len(token_sets), len(ATTR_GROUPS) + 2)
    for tokens, row in zip(token_sets, rows, strict=True):
        bits = 0
        for token in tokens:
            assert token_bits(token) == _bits_by_definition(token), token
            bits |= _bits_by_definition(token)
        assert [int(v) for v in row[: len(ATTR_GROUPS)]] == [(bits >> g) & 1 for g in range(len(ATTR_GROUPS))]
        assert row[-2] == any(m in tokens for m in HIDDEN_MARKERS)
        plain = sum(1 for t in tokens if ":" not in t)
        assert row[-1] == min(plain, MAX_ATTR_TOKENS) / MAX_ATTR_TOKENS


def test_run_ids_and_window_mean() -> None:
    assert run_ids(["a", "a", "b", "a"]).tolist() == [0, 0, 1, 2]
    assert run_ids(np.array([7, 7, 3, 7])).tolist() == [0, 0, 1, 2]
    assert window_mean(np.array([1.0, 2.0, 3.0, 4.0]), 1).tolist() == [1.5, 2.0, 3.0, 3.5]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=80).filter(lambda t: t.strip() and len(t.splitlines()) == 1), max_size=30))
def test_text_lines_give_finite_rows_of_the_text_columns(texts: list[str]) -> None:
    from cleaner.model import Block

    blocks = [Block(index=i, text=t.strip()) for i, t in enumerate(texts)]
    matrix = feature_matrix(blocks, block_features(blocks, stopwords("en")), html=False)
    assert matrix.shape == (len(blocks), len(TEXT_COLUMNS))
    assert np.isfinite(matrix).all()


# Text made of the keywords' own pieces, digits, separators and word characters, so that
# random strings hit word boundaries, dates, "ap"/"ago" inside words and at block starts.
_KEYWORD_ALPHABET = st.sampled_from(
    ["share", "shares", "ap", "ago", "agog", "1999", "2024", "19", "20", "12/05/2021", "3.4.21", "by", "cookie",
     "sign up", "more", "log in", "x", "_", "é", " ", "\n", "-", ".", "/", "©", "7"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_KEYWORD_ALPHABET, max_size=30).map("".join))
def test_fast_keyword_finders_match_the_keyword_patterns(text: str) -> None:
    # The finders (str.find for word lists, rewritten patterns for \b-led ones) must find
    # exactly where KEYWORDS's own patterns start a match: the model was trained on those.
    for name, pattern in KEYWORDS.items():
        expected = {m.start() for m in re.finditer(pattern, text, re.MULTILINE)}
        found = set(keyword_positions(name)(text))
        words = pattern.split("|")
        if not re.search(r"[\\.^$*+?{}\[\]()]", pattern):
            # A word list: every occurrence of every word is found, overlapping ones too
            # (which re skips); a block holds the keyword either way.
            assert expected <= found, name
            assert all(any(text.startswith(w, i) for w in words) for i in found), name
        else:
            assert found == expected, name
