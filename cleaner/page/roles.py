"""The role of a block in the page's structure: heading, list item, table cell, code, quote.

The segmenter asks :func:`html_role` once per block, with the block-level elements open
around it (innermost last) and their serial numbers; :func:`line_role` reads a text
dump's line. Roles change nothing in what is kept: the Markdown writer
(:mod:`cleaner.page.markdown`) renders them, ``--explain`` and the report show them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cleaner.model import PARAGRAPH, Role

__all__ = ["html_role", "line_role", "list_marker"]

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LISTS = frozenset(["ul", "ol", "menu", "dir"])
# The elements that give a block a role other than a plain paragraph.
_ROLE_TAGS = frozenset([*_HEADINGS, "li", "pre", "td", "th", "blockquote"])
# A text line that starts like a list item: a bullet character, or a number or a letter
# followed by "." or ")" and a space. Bullets are those text dumps write for <li>
# (resiliparse writes "•"; others "-", "*", "·", "▪", "‣", "◦", "–").
_LIST_MARKER = re.compile(r"(?:[-*+•·▪‣◦●○■▸►–]|\d{1,3}[.)])\s+(?=\S)")


def html_role(block_tags: Sequence[str], serials: Sequence[int]) -> Role:
    """The role of a block whose open block-level elements are ``block_tags`` (outermost first).

    ``serials`` are those elements' numbers (:attr:`cleaner.model.Block.containers`).
    The innermost heading, list item or ``<pre>`` gives the kind; the innermost table cell
    gives the table position; every ``<blockquote>`` around the block counts.
    """
    if _ROLE_TAGS.isdisjoint(block_tags):  # most blocks: one set operation in C, no loop
        return PARAGRAPH
    kind, level, ordered, unit, quote = "", 0, False, 0, 0
    table = row = cell = 0
    header = False
    for depth in range(len(block_tags) - 1, -1, -1):
        tag = block_tags[depth]
        if tag == "blockquote":
            quote += 1
        elif not kind and tag in _HEADINGS:
            kind, level, unit = "heading", _HEADINGS[tag], serials[depth]
        elif not kind and tag == "pre":
            kind, unit = "code", serials[depth]
        elif not kind and tag == "li":
            kind, unit = "item", serials[depth]
            level, ordered = _list_position(block_tags, depth)
        elif not cell and tag in ("td", "th"):
            cell, header = serials[depth], tag == "th"
        elif cell and not row and tag == "tr":
            row = serials[depth]
        elif cell and not table and tag == "table":
            table = serials[depth]
        elif cell and not table and tag == "thead":
            header = True
    if not (kind or quote or cell):
        return PARAGRAPH
    if not (row and table):  # a cell outside a row or table: libxml2 keeps stray cells
        table = row = cell = 0
        header = False
    return Role(kind or "paragraph", level, ordered, unit, quote, table, row, cell, header)


def _list_position(block_tags: Sequence[str], item_depth: int) -> tuple[int, bool]:
    """The nesting of the list item at ``item_depth`` (1: a top list) and whether its list is numbered."""
    lists = [tag for tag in block_tags[:item_depth] if tag in _LISTS]
    return max(len(lists), 1), bool(lists) and lists[-1] == "ol"


def list_marker(text: str) -> re.Match[str] | None:
    """The list marker at the start of a text line (``- ``, ``• ``, ``1. ``, ``2) ``...), if any."""
    return _LIST_MARKER.match(text)


def line_role(text: str) -> Role:
    """The role of a text dump's line: a list item when it starts with a list marker, else a paragraph."""
    found = list_marker(text)
    if found is None:
        return PARAGRAPH
    return Role("item", 1, ordered=found.group(0)[0].isdigit())
