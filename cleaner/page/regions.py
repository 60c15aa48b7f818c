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
from itertools import chain
from operator import attrgetter

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
    return region_table(blocks, (level,))[:, 0]


def region_table(blocks: Sequence[Block], levels: Sequence[int] = LEVELS) -> np.ndarray:
    """:func:`region_ids` of every level in ``levels``, one column each, as an ``(n, len(levels))`` int array.

    The containers of all blocks are read into one array at once (no Python step per
    block): a block's element ``level`` above its own sits ``level`` places before the
    end of its containers.
    """
    containers = list(map(attrgetter("containers"), blocks))
    lengths = np.fromiter(map(len, containers), dtype=np.int64, count=len(containers))
    # -1 first: a block with no element that far up reads it, and gets 0 (the page's id)
    flat = np.fromiter(chain((-1,), chain.from_iterable(containers)), dtype=np.int64, count=1 + int(lengths.sum()))
    ends = np.cumsum(lengths)  # a block's last container sits at ends - 1 in the containers, at ends in flat
    table = np.empty((len(containers), len(levels)), dtype=np.int64)
    for column, level in enumerate(levels):
        raw = flat[np.where(lengths > level, ends - level, 0)] + 1
        table[:, column] = np.unique(raw, return_inverse=True)[1].reshape(-1)
    return table
