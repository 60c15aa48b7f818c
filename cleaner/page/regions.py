"""Regions of a page: the elements that hold several blocks.

An HTML block knows the block-level elements around it (:attr:`cleaner.model.Block.containers`).
The block's *region at level k* is the k-th of them above its own element: level 1 is the
element holding the paragraph (a comment, a teaser card, the article body), level 2 the
one holding that (the comment list, the list of cards), and so on. Boilerplate comes in
regions (a comment thread, a list of teaser cards, a sidebar module, a footer), so the
learned model's second stage pools its first stage's scores over each block's regions
(:func:`cleaner.extractors.trees.stage2_matrix`): a block takes the class of the region it
sits in unless its own evidence is strong.

Tag paths alone cannot tell regions apart (two sibling lists of links share a path);
these are the elements themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cleaner.model import Block

# Levels above a block's own element whose regions stage two pools scores over: the card
# or comment (1), the list of them (2), and a section-sized element (4). Level 3 lies
# between two of these and each level costs three columns of stage two.
LEVELS = (1, 2, 4)


def region_ids(blocks: Sequence[Block], level: int) -> np.ndarray:
    """Ids ``0..k-1`` numbering each block's region at ``level`` in page order.

    Blocks with no element that far up share one id: the page's.
    """
    raw = np.fromiter(
        (b.containers[-1 - level] + 1 if len(b.containers) > level else 0 for b in blocks),
        dtype=np.int64,
        count=len(blocks),
    )
    return np.unique(raw, return_inverse=True)[1].reshape(-1).astype(np.int64)
