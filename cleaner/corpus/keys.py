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
    text = comparable_text(block.text)
    if not text:
        return None
    if block.link_density > LINK_BLOCK_DENSITY:
        text = "\x01" + text
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> SITE_BITS


def block_keys(blocks: Sequence[Block]) -> np.ndarray:
    """One hash per block (``uint64``; 0 for a block with no text), in block order."""
    return np.array([block_key(b) or 0 for b in blocks], dtype=np.uint64)


def document_keys(blocks: Sequence[Block]) -> np.ndarray:
    """The set of a document's block hashes, sorted (a block repeated in a page counts once)."""
    keys = block_keys(blocks)
    return np.unique(keys[keys != 0])
