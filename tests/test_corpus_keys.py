"""The page-wide block hashes (text_keys) are the per-block ones (block_key), whatever the texts."""

from __future__ import annotations

import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.corpus.keys import block_key, block_keys, comparable_text, text_keys, unique_keys
from cleaner.model import Block
from cleaner.page.segment import block_texts, parse_html, segment_html, segment_text

# Letters whose lower case depends on their neighbours (final sigma), digits of other
# scripts, every kind of white space and line break, link markers, surrogates, CJK.
CHARS = st.sampled_from(list("aZ09 ΣΑσ.'\t\n\r\x0b\x1c\x85\u00a0\u2028\u3000\x01İ١٢\uff13中é") + ["\ud800"])
TEXTS = st.lists(st.text(alphabet=CHARS, max_size=12), max_size=8)


def per_block(texts: list[str], link_chars: list[int]) -> list[int]:
    blocks = [Block(index=i, text=t, link_chars=n) for i, (t, n) in enumerate(zip(texts, link_chars, strict=True))]
    return [block_key(b) or 0 for b in blocks]


@settings(max_examples=300, derandomize=True)
@given(TEXTS, st.data())
def test_page_wide_keys_are_the_keys_of_each_block(texts: list[str], data: st.DataObject) -> None:
    link_chars = [data.draw(st.integers(0, len(t))) for t in texts]
    keys = text_keys(texts, link_chars)
    assert keys.dtype == np.uint64
    assert keys.tolist() == per_block(texts, link_chars)
    # texts as a page walk gives them (stripped, single spaces, no line break): same keys without the white-space step
    collapsed = [" ".join(t.split()) for t in texts]
    collapsed = [t for t in collapsed if t]
    lengths = link_chars[: len(collapsed)]
    assert text_keys(collapsed, lengths, collapsed=True).tolist() == per_block(collapsed, lengths)


def test_link_blocks_differ_from_prose_and_empty_blocks_have_no_key() -> None:
    keys = text_keys(["Read more", "Read more", "Read more", "  "], [0, 9, 4, 0])
    assert keys[0] == keys[2] != keys[1]  # over half the characters in links: a link block
    assert keys[3] == 0
    assert unique_keys(keys).tolist() == sorted({int(keys[0]), int(keys[1])})
    assert text_keys([], []).tolist() == []


def test_block_keys_of_text_lines_are_the_page_wide_ones() -> None:
    blocks = segment_text("Line  one\t 12\n\n  Ünïcode ΣΑΣ line\nLine  one\t 34\n")
    assert block_keys(blocks).tolist() == [block_key(b) or 0 for b in blocks]
    assert block_keys(blocks)[0] == block_keys(blocks)[2]  # digits folded, white space collapsed


def test_lower_case_and_digit_folding_add_no_white_space() -> None:
    # what collapsed=True relies on: a walk's collapsed text stays collapsed once normalised
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if not char.isspace():
            folded = char.lower()
            assert not any(c.isspace() for c in folded), hex(code)
    assert comparable_text("Ⅻ ١٢") == comparable_text("ⅻ 00")


def test_the_lean_walk_of_segment_gives_the_blocks_texts() -> None:
    tree = parse_html("<body><nav><a href='/'>Home</a> <a href='/n'>News 2024</a></nav><p>Body <a>text</a> here</p>")
    blocks = segment_html(tree)
    assert block_texts(tree) == ([b.text for b in blocks], [b.link_chars for b in blocks])
