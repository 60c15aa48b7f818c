"""Rules over a whole page that every extractor's decisions pass through.

- **Machine-readable values**: a block that is only a timestamp
  (``2019-11-13T23:06:00+01:00``), as microdata writes them for machines, is dropped as
  ``hidden.microdata``.
- **In-page copies**: a kept block whose text repeats a block kept earlier on the page,
  in another element (a print or app copy of the article, a pull quote, a headline
  repeated in a teaser), is dropped as ``dup.in_page``; the first copy stays, unless it
  is a link and the later copy is not (a table of contents entry and the heading it points
  to): then the link goes. Repeats
  under one parent element are left alone: that is a text that repeats itself (a chorus,
  a refrain, a test page of one paragraph many times), not a second copy of the page.

- **Table rows agree**: the cells of one table row are kept or dropped together (a row is
  a record: a cell without its row's other cells is a value without its label). The row
  goes the way of the larger share of its characters; the cells it overrules take the
  reason ``content.context`` or ``boilerplate.context``.

Hidden text is not dropped by a rule: measured on devdata's labelled blocks, text inside
``display:none`` or ``aria-hidden="true"`` elements is boilerplate four times out of five,
but inside ``hidden`` elements only half the time (tabs, accordions and server-rendered
articles a script reveals), and dropping all of it cost 0.02 F1 on wcxb-dev's collection
pages (leave-one-dataset-out). The learned model reads the hidden flag among its features
and decides; a hidden block it drops gets the reason ``hidden.element``. ``<template>``
never becomes a block at all (the segmenter skips it).

The rules read block texts and parent elements only, so the evaluation harness applies
exactly the same rules to its stored examples (:func:`page_rule_drops`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cleaner.model import Block, Decision
from cleaner.page.markdown import MAX_CELL_CHARS

__all__ = [
    "LINK_SHARE",
    "MIN_COPY_CHARS",
    "apply_page_rules",
    "link_blocks",
    "page_rule_changes",
    "page_rule_drops",
    "parent_elements",
    "row_verdicts",
    "table_rows",
]
# ISO 8601 date-times as microdata writes them (date, 'T', time, optional zone). The 'T'
# is required: "2021-02-03 10:15" is how forums and logs show a date to people.
_MACHINE_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
# Repeats shorter than this many characters are left alone: short lines ("Yes", "Read
# more", a price, a name in a table) repeat on a page by design; a repeated sentence of
# this length is a copy. (A link followed by the same text as a non-link is a link to it,
# whatever its length.)
MIN_COPY_CHARS = 40
# A table row is a record of data only while its blocks are data: a block longer than a
# table cell of data (the Markdown writer's bound), or a row longer than a short
# paragraph, is page layout (a layout table holding an article beside its sidebar), whose
# cells are kept or dropped on their own. (The row rule on every row cost chinese-wce's
# table-laid-out pages 0.018 F1 with the shipped model; with these bounds it gains 0.001.)
MAX_DATUM_CHARS = MAX_CELL_CHARS
MAX_RECORD_CHARS = 1000
# A block with at least this share of its characters inside links is a link (a table of
# contents entry, a teaser): 0.9 leaves out the sentences that hold a link or two.
LINK_SHARE = 0.9


def parent_elements(blocks: Sequence[Block]) -> list[int | None]:
    """The element holding each block's own element: -1 for a block at the top of the page, None for text lines."""
    return [b.containers[-2] if len(b.containers) > 1 else (-1 if b.containers else None) for b in blocks]


def table_rows(blocks: Sequence[Block]) -> list[int]:
    """The table row each block sits in (its :attr:`cleaner.model.Role.row`; 0 outside tables)."""
    return [b.role.row for b in blocks]


def row_verdicts(texts: Sequence[str], keep: Sequence[bool], rows: Sequence[int]) -> dict[int, bool]:
    """The cells whose verdict changes so that every table row is kept or dropped whole: ``{index: keep}``.

    A row with kept and dropped cells goes the way of the larger share of its characters
    (kept on a tie: a row's label cell is short and its value long, or the other way).
    Rows of page layout (a block past :data:`MAX_DATUM_CHARS`, a row past
    :data:`MAX_RECORD_CHARS`: an article beside a sidebar) are left to the extractor.
    """
    kept_chars: dict[int, int] = {}
    all_chars: dict[int, int] = {}
    layout: set[int] = set()
    for text, kept, row in zip(texts, keep, rows, strict=True):
        if row:
            all_chars[row] = all_chars.get(row, 0) + len(text)
            kept_chars[row] = kept_chars.get(row, 0) + (len(text) if kept else 0)
            if len(text) > MAX_DATUM_CHARS or all_chars[row] > MAX_RECORD_CHARS:
                layout.add(row)
    changes: dict[int, bool] = {}
    for index, (kept, row) in enumerate(zip(keep, rows, strict=True)):
        if row and row not in layout and 0 < kept_chars[row] < all_chars[row]:
            verdict = 2 * kept_chars[row] >= all_chars[row]
            if verdict != kept:
                changes[index] = verdict
    return changes


def link_blocks(blocks: Sequence[Block]) -> list[bool] | None:
    """Whether each block is a link (at least :data:`LINK_SHARE` of its characters inside ``<a>``).

    None when no block is (a text dump's lines, a page without links): the rules then have
    no link copy to weigh, and skip the short blocks at once.
    """
    flags = [b.link_density >= LINK_SHARE for b in blocks]
    return flags if any(flags) else None


def page_rule_drops(
    texts: Sequence[str],
    keep: Sequence[bool],
    parents: Sequence[int | None] | None = None,
    links: Sequence[bool] | None = None,
) -> dict[int, tuple[str, str]]:
    """The kept blocks the page rules drop: ``{index: (reason, detail)}``.

    ``texts`` are the blocks' texts, ``keep`` the extractor's verdicts, ``parents`` the
    blocks' :func:`parent_elements` (None: text lines, where every repeat is a copy),
    ``links`` the blocks that are links (:func:`link_blocks`): when the first kept copy of
    a text is a link and a later one is not (a table of contents, then the heading it
    points to), the link is the copy that goes.
    """
    drops: dict[int, tuple[str, str]] = {}
    first: dict[str, int] = {}  # each text's copy that stays so far
    for index, (text, kept) in enumerate(zip(texts, keep, strict=True)):
        if not kept:
            continue
        if _MACHINE_VALUE.fullmatch(text.strip()):
            drops[index] = ("hidden.microdata", "a machine-readable timestamp")
            continue
        long = len(text) >= MIN_COPY_CHARS
        if not long and links is None:
            continue
        # white space runs collapsed to one space and trimmed: str.split splits on the
        # characters the regex \s matches (str.isspace), and is several times faster
        key = " ".join(text.casefold().split())
        earlier = first.setdefault(key, index)
        if earlier == index or _same_parent(parents, earlier, index):
            continue
        if links is not None and links[earlier] and not links[index]:
            drops[earlier] = ("dup.in_page", "a link to a block repeated later on the page")
            first[key] = index
        elif long:
            drops[index] = ("dup.in_page", "repeats a block kept earlier on the page")
    return drops


def _same_parent(parents: Sequence[int | None] | None, first: int, second: int) -> bool:
    """Whether two HTML blocks sit in one parent element (never for text lines)."""
    return parents is not None and parents[second] is not None and parents[first] == parents[second]


# The reason and evidence of a cell whose verdict its table row overrules (kept, dropped).
_ROW_REASONS = {
    True: ("content.context", "the rest of its table row is kept"),
    False: ("boilerplate.context", "the rest of its table row is dropped"),
}


def page_rule_changes(
    texts: Sequence[str],
    keep: Sequence[bool],
    parents: Sequence[int | None] | None = None,
    rows: Sequence[int] | None = None,
    links: Sequence[bool] | None = None,
) -> dict[int, tuple[bool, str, str]]:
    """Every verdict the page rules change: ``{index: (keep, reason, detail)}``.

    The table rows agree first (:func:`row_verdicts`, when ``rows`` are given), then the
    drops of :func:`page_rule_drops` apply to what is kept.
    """
    changes: dict[int, tuple[bool, str, str]] = {}
    verdicts = list(keep)
    if rows is not None:
        for index, verdict in row_verdicts(texts, verdicts, rows).items():
            changes[index] = (verdict, *_ROW_REASONS[verdict])
            verdicts[index] = verdict
    for index, (reason, detail) in page_rule_drops(texts, verdicts, parents, links).items():
        changes[index] = (False, reason, detail)
    return changes


def apply_page_rules(blocks: Sequence[Block], decisions: list[Decision]) -> list[Decision]:
    """The decisions with the page rules applied (the extractor's verdict kept in ``first_pass``)."""
    texts = [b.text for b in blocks]
    keep = [d.keep for d in decisions]
    changes = page_rule_changes(texts, keep, parent_elements(blocks), table_rows(blocks), link_blocks(blocks))
    if not changes:
        return decisions
    out = list(decisions)
    for index, (verdict, reason, detail) in changes.items():
        out[index] = Decision(index, verdict, reason, "page", float(verdict), detail, first_pass=decisions[index])
    return out
