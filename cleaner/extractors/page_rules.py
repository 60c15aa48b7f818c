"""Rules over a whole page that every extractor's decisions pass through.

- **Machine-readable values**: a block that is only a timestamp
  (``2019-11-13T23:06:00+01:00``), as microdata writes them for machines, is dropped as
  ``hidden.microdata``.
- **In-page copies**: a kept block whose text repeats a block kept earlier on the page,
  in another element (a print or app copy of the article, a pull quote, a headline
  repeated in a teaser), is dropped as ``dup.in_page``; the first copy stays. Repeats
  under one parent element are left alone: that is a text that repeats itself (a chorus,
  a refrain, a test page of one paragraph many times), not a second copy of the page.

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

__all__ = ["MIN_COPY_CHARS", "apply_page_rules", "page_rule_drops", "parent_elements"]
# ISO 8601 date-times as microdata writes them (date, 'T', time, optional zone). The 'T'
# is required: "2021-02-03 10:15" is how forums and logs show a date to people.
_MACHINE_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
# Repeats shorter than this many characters are left alone: short lines ("Yes", "Read
# more", a price, a name in a table) repeat on a page by design; a repeated sentence of
# this length is a copy.
MIN_COPY_CHARS = 40
_SPACE = re.compile(r"\s+")


def parent_elements(blocks: Sequence[Block]) -> list[int | None]:
    """The element holding each block's own element: -1 for a block at the top of the page, None for text lines."""
    return [b.containers[-2] if len(b.containers) > 1 else (-1 if b.containers else None) for b in blocks]


def page_rule_drops(
    texts: Sequence[str], keep: Sequence[bool], parents: Sequence[int | None] | None = None
) -> dict[int, tuple[str, str]]:
    """The kept blocks the page rules drop: ``{index: (reason, detail)}``.

    ``texts`` are the blocks' texts, ``keep`` the extractor's verdicts, ``parents`` the
    blocks' :func:`parent_elements` (None: text lines, where every repeat is a copy).
    """
    drops: dict[int, tuple[str, str]] = {}
    first_parent: dict[str, int | None] = {}
    for index, (text, kept) in enumerate(zip(texts, keep, strict=True)):
        if not kept:
            continue
        if _MACHINE_VALUE.fullmatch(text.strip()):
            drops[index] = ("hidden.microdata", "a machine-readable timestamp")
        elif len(text) >= MIN_COPY_CHARS:
            key = _SPACE.sub(" ", text.casefold()).strip()
            parent = parents[index] if parents is not None else None
            if key not in first_parent:
                first_parent[key] = parent
            elif parent is None or first_parent[key] != parent:
                drops[index] = ("dup.in_page", "repeats a block kept earlier on the page")
    return drops


def apply_page_rules(blocks: Sequence[Block], decisions: list[Decision]) -> list[Decision]:
    """The decisions with the page rules' drops applied (the extractor's verdict kept in ``first_pass``)."""
    drops = page_rule_drops([b.text for b in blocks], [d.keep for d in decisions], parent_elements(blocks))
    if not drops:
        return decisions
    out = []
    for decision in decisions:
        found = drops.get(decision.block)
        if found is None:
            out.append(decision)
        else:
            reason, detail = found
            out.append(Decision(decision.block, False, reason, "page", 0.0, detail, first_pass=decision))
    return out
