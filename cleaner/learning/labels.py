r"""Keep/drop labels for the blocks of a page, derived from a gold main text.

The learned extractor is trained on blocks labelled by aligning them with the gold text of
devdata pages (or a user's own pages, see ``cleaner train``):

- **Full gold text** (:func:`labels_from_gold`): the page's blocks are read as one stream
  of tokens; a token is *covered* when some 4-token shingle of the stream that contains
  it is also a shingle of the gold. A block is content when most of its tokens are
  covered. Shingles spanning block boundaries let a short block (a two-word heading)
  be labelled by its context: "Results" before a paragraph that the gold also has right
  after "Results" is covered; a lone "Results" in a menu is not.
- **Snippets** (:func:`labels_from_snippets`): a block holding a snippet that must be in the
  output is content, one holding a snippet that must not is boilerplate, the rest is
  unknown (:data:`UNKNOWN`) and left out of training.

Tokens are ``\w+`` runs, lower-cased, except CJK characters, which count one token each:
Chinese gold text is hard-wrapped, and a line break in the middle of a clause must not
break its tokens apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from cleaner.model import Block

# Label values: 1 content, 0 boilerplate, -1 unknown (no evidence either way).
CONTENT, BOILERPLATE, UNKNOWN = 1, 0, -1
# Shingle length, as in the evaluation measure (devdata README).
SHINGLE = 4
# A block is content when more than half of its tokens are covered by gold shingles: a
# block is kept or dropped whole, and the majority decides which costs fewer tokens.
MIN_COVERED = 0.5
# Snippet matching ignores snippets shorter than this many characters: shorter ones
# ("Home", "2019") would match blocks by chance.
MIN_SNIPPET_CHARS = 12

_TOKEN_RE = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+"
)
_SPACE_RE = re.compile(r"\s+")


def label_tokens(text: str) -> list[str]:
    r"""Lower-cased ``\w+`` tokens of ``text``, with each CJK character a token of its own."""
    return _TOKEN_RE.findall(text.lower())


def labels_from_gold(blocks: Sequence[Block], gold: str) -> np.ndarray:
    """One label per block (:data:`CONTENT`, :data:`BOILERPLATE` or :data:`UNKNOWN`) from a full gold text.

    Blocks without any token (punctuation, symbols) are :data:`UNKNOWN`. An empty gold
    (a page meant to come out empty) makes every block with tokens boilerplate.
    """
    block_tokens = [label_tokens(b.text) for b in blocks]
    labels = np.full(len(blocks), UNKNOWN, dtype=np.int8)
    gold_tokens = label_tokens(gold)
    gold_shingles = {tuple(gold_tokens[i : i + SHINGLE]) for i in range(max(0, len(gold_tokens) - SHINGLE + 1))}
    gold_set = set(gold_tokens)
    stream = [t for tokens in block_tokens for t in tokens]
    covered = np.zeros(len(stream), dtype=bool)
    if len(gold_tokens) < SHINGLE:
        # A gold of one to three tokens: cover exact occurrences of its token sequence.
        size = len(gold_tokens)
        for i in range(len(stream) - size + 1 if size else 0):
            if stream[i : i + size] == gold_tokens:
                covered[i : i + size] = True
    else:
        for i in range(len(stream) - SHINGLE + 1):
            if stream[i] in gold_set and tuple(stream[i : i + SHINGLE]) in gold_shingles:
                covered[i : i + SHINGLE] = True
    start = 0
    for index, tokens in enumerate(block_tokens):
        if tokens:
            share = covered[start : start + len(tokens)].mean()
            labels[index] = CONTENT if share > MIN_COVERED else BOILERPLATE
        start += len(tokens)
    return labels


def _norm(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip().lower()


def labels_from_snippets(
    blocks: Sequence[Block], with_snippets: Sequence[str], without_snippets: Sequence[str]
) -> np.ndarray:
    """One label per block from snippets that must (``with``) or must not (``without``) be kept.

    A block that contains a ``with`` snippet, or is contained in one, is content; the same
    for ``without`` makes it boilerplate (``without`` wins a tie: its text must not be
    output). Every other block is :data:`UNKNOWN`.
    """
    labels = np.full(len(blocks), UNKNOWN, dtype=np.int8)
    texts = [_norm(b.text) for b in blocks]
    for snippets, value in ((with_snippets, CONTENT), (without_snippets, BOILERPLATE)):
        for snippet in snippets:
            s = _norm(snippet)
            if len(s) < MIN_SNIPPET_CHARS:
                continue
            for i, text in enumerate(texts):
                if len(text) >= MIN_SNIPPET_CHARS and (s in text or text in s):
                    labels[i] = value
    return labels
