"""Block hashes: what counts as "the same line" on two pages of a site, as a 40-bit number.

A summary key (:mod:`cleaner.corpus.stats`) is one ``uint64``: the site's index in its top
:data:`SITE_BITS` bits and a :data:`HASH_BITS`-bit prefix of the block hash below.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from cleaner.model import Block

__all__ = [
    "HASH_BITS",
    "HASH_MASK",
    "LINK_BLOCK_DENSITY",
    "SITE_BITS",
    "block_key",
    "block_keys",
    "comparable_text",
    "document_keys",
    "text_keys",
    "unique_keys",
    "word_count",
]

# Bits of a summary key that hold the site's index: 2^24 = 16.7 million sites in one
# summary, far more than the sites of a million documents.
SITE_BITS = 24
# Bits of the block hash kept in a key (64 - SITE_BITS). Hashes only need to be told
# apart within one site: a site with 3 million distinct blocks and 1,000 repeated ones has
# a chance of about n * r / 2^40 = 0.3 % that any unique block shares a prefix with a
# repeated one (which could drop it), and two unique blocks that collide only count as
# seen twice, far below the share threshold of a site that large.
HASH_BITS = 64 - SITE_BITS
HASH_MASK = np.uint64((1 << HASH_BITS) - 1)
# A block with more than half of its characters inside links is counted as a link (a
# menu item, a teaser title), apart from the same words as prose: the title of an
# article is prose on its own page and a link in the "most read" box of every other page,
# and the box must not erase the article's own headline.
LINK_BLOCK_DENSITY = 0.5

_SPACE = re.compile(r"\s+")
# White space but the line break that joins a page's blocks in text_keys.
_SPACE_IN_LINE = re.compile(r"[^\S\n]+")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+")
# Scripts written without spaces between words: each character counts as a word.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def comparable_text(text: str) -> str:
    """Lower case, every digit folded to ``0``, whitespace collapsed: what counts as "the same line"."""
    return _SPACE.sub(" ", _DIGIT.sub("0", text.lower())).strip()


def word_count(text: str) -> int:
    """Words made of letters (numbers and symbols do not count); a Chinese or Japanese character is one."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(_WORD.findall(text))
    return unspaced + len(_WORD.findall(_UNSPACED.sub(" ", text)))


def block_key(block: Block) -> int | None:
    """The :data:`HASH_BITS`-bit hash of a block's normalised text (and link flag); None when empty."""
    return _text_key(block.text, block.link_chars)


def block_keys(blocks: Sequence[Block]) -> np.ndarray:
    """One hash per block (``uint64``; 0 for a block with no text), in block order: :func:`block_key` of each."""
    return text_keys([b.text for b in blocks], [b.link_chars for b in blocks])


def text_keys(texts: Sequence[str], link_chars: Sequence[int], collapsed: bool = False) -> np.ndarray:
    """One hash per block given by its text and link characters: :func:`block_key` of each, page-wide.

    The normalisation (:func:`comparable_text`) runs once over the page's texts joined by
    line breaks (a block's text holds none), the hashes go to numpy in one buffer; a page
    whose texts do hold a line break (not a block's) is hashed text by text. ``collapsed``
    says every text is stripped with single spaces between its words, as a page walk
    gives them (:func:`cleaner.page.segment.block_texts`): the white space is left as it is
    (lower-casing and digit folding add none).
    """
    if not texts:
        return np.zeros(0, dtype=np.uint64)
    folded = _DIGIT.sub("0", "\n".join(texts).lower())
    if not collapsed:
        folded = _SPACE_IN_LINE.sub(" ", folded)
    lines = folded.split("\n")
    if len(lines) != len(texts):
        return np.array([_text_key(t, n) or 0 for t, n in zip(texts, link_chars, strict=True)], dtype=np.uint64)
    digests = []
    blake2b = hashlib.blake2b
    for comparable, text, chars in zip(lines, texts, link_chars, strict=True):
        if not collapsed:
            comparable = comparable.strip()
        if not comparable:
            digests.append(_NO_DIGEST)
            continue
        if chars / len(text) > LINK_BLOCK_DENSITY:  # Block.link_density (a text is never empty here)
            comparable = "\x01" + comparable
        digests.append(blake2b(comparable.encode("utf-8", "surrogatepass"), digest_size=8).digest())
    return np.frombuffer(b"".join(digests), dtype="<u8").astype(np.uint64) >> np.uint64(SITE_BITS)


# What text_keys puts for a block with no comparable text: 8 zero bytes, key 0 (block_keys' value).
_NO_DIGEST = bytes(8)


def _text_key(text: str, link_chars: int) -> int | None:
    """:func:`block_key` of a block given by its text and link characters."""
    comparable = comparable_text(text)
    if not comparable:
        return None
    if link_chars / len(text) > LINK_BLOCK_DENSITY:
        comparable = "\x01" + comparable
    digest = hashlib.blake2b(comparable.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> SITE_BITS


def document_keys(blocks: Sequence[Block]) -> np.ndarray:
    """The set of a document's block hashes, sorted (a block repeated in a page counts once)."""
    return unique_keys(block_keys(blocks))


def unique_keys(keys: np.ndarray) -> np.ndarray:
    """The set of a document's block hashes (from :func:`text_keys` or :func:`block_keys`), sorted, without 0."""
    return np.unique(keys[keys != 0])
