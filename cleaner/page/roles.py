"""The role of a block in the page's structure: heading, list item, table cell, code, quote.

The segmenter asks :func:`html_role` once per block, with the block-level elements open
around it (innermost last) and their serial numbers; :func:`line_role` reads a text
dump's line. Roles change nothing in what is kept: the Markdown writer
(:mod:`cleaner.page.markdown`) renders them, ``--explain`` and the report show them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from cleaner.model import PARAGRAPH, Role

__all__ = [
    "BULLETS",
    "HEADING_LEVELS",
    "LIST_TAGS",
    "ROLE_TAGS",
    "TABLE_TAGS",
    "TableLayout",
    "bullet",
    "html_role",
    "line_role",
    "list_marker",
    "structure_tag",
]

# The table elements :class:`TableLayout` follows.
TABLE_TAGS = frozenset(["table", "tr", "td", "th"])
# The heading elements and their levels; the list elements whose items nest.
HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LIST_TAGS = frozenset(["ul", "ol", "menu", "dir"])
# The elements that give a block a role other than a plain paragraph (the compiled walk
# counts those open, to skip html_role for the blocks with none).
ROLE_TAGS = frozenset([*HEADING_LEVELS, "li", "pre", "td", "th", "blockquote"])
# Bullets written as text for a list item (resiliparse writes "•" for <li>; pages and
# other converters "-", "*", "·", "▪", "‣", "◦", "●"...).
BULLETS = "-*+•·▪‣◦●○■▸►"
# A bullet and the space after it, at the start of a block.
_BULLET = re.compile(f"[{re.escape(BULLETS)}]\\s+(?=\\S)")
# A text line that starts like a list item: a bullet, an en dash, or a number followed by
# "." or ")", and a space.
_LIST_MARKER = re.compile(f"(?:[{re.escape(BULLETS)}–]|\\d{{1,3}}[.)])\\s+(?=\\S)")
# The characters a list marker starts with.
_MARKER_STARTS = frozenset(BULLETS + "–0123456789")


# ARIA roles that give an element the structure of an HTML element (pages built of
# <div role="list"> / <div role="listitem"> / <div role="heading" aria-level="3">), and
# those that take a table's structure away (<table role="presentation">: a layout table).
_ARIA_TAGS = {"list": "ul", "listitem": "li", "heading": "h", "presentation": "", "none": ""}
# ARIA's default level for role="heading" without aria-level.
_ARIA_HEADING_LEVEL = 2


def structure_tag(tag: str, element: Any, aria: str) -> str:
    """The element's tag as its structure reads: the tag its ARIA role ``aria`` stands for, if any.

    ``role="presentation"`` (or ``none``) on a table or list element takes its structure
    away (``"div"``); other roles keep the element's own tag.
    """
    stands_for = _ARIA_TAGS.get(aria.strip().lower())
    if stands_for is None:
        return tag
    if stands_for == "h":
        try:
            level = int(element.get("aria-level") or _ARIA_HEADING_LEVEL)
        except ValueError:
            level = _ARIA_HEADING_LEVEL
        return f"h{min(max(level, 1), 6)}"
    structured = tag in TABLE_TAGS or tag in LIST_TAGS or tag == "li"
    if not stands_for:
        return "div" if structured else tag
    return tag if structured else stands_for  # <ol role="list"> stays numbered


def html_role(block_tags: Sequence[str], serials: Sequence[int], columns: Mapping[int, int]) -> Role:
    """The role of a block whose open block-level elements are ``block_tags`` (outermost first).

    ``block_tags`` are the elements' tags as their structure reads (:func:`structure_tag`).
    ``serials`` are those elements' numbers (:attr:`cleaner.model.Block.containers`),
    ``columns`` the column of each table cell by its number (:class:`TableLayout`).
    The innermost heading, list item or ``<pre>`` gives the kind; the innermost table cell
    gives the table position; every ``<blockquote>`` around the block counts.
    """
    if ROLE_TAGS.isdisjoint(block_tags):  # most blocks: one set operation in C, no loop
        return PARAGRAPH
    kind, level, ordered, unit, quote = "", 0, False, 0, 0
    table = row = cell = column = 0
    header = False
    for depth in range(len(block_tags) - 1, -1, -1):
        tag = block_tags[depth]
        if tag == "blockquote":
            quote += 1
        elif not kind and tag in HEADING_LEVELS:
            kind, level, unit = "heading", HEADING_LEVELS[tag], serials[depth]
        elif not kind and tag == "pre":
            kind, unit = "code", serials[depth]
        elif not kind and tag == "li":
            kind, unit = "item", serials[depth]
            level, ordered = _list_position(block_tags, depth)
        elif not cell and tag in ("td", "th"):
            cell, header = serials[depth], tag == "th"
            column = columns.get(cell, 0)
        elif cell and not row and tag == "tr":
            row = serials[depth]
        elif cell and not table and tag == "table":
            table = serials[depth]
        elif cell and not table and tag == "thead":
            header = True
    if not (kind or quote or cell):
        return PARAGRAPH
    if not (row and table):  # a cell outside a row or table: libxml2 keeps stray cells
        table = row = cell = column = 0
        header = False
    return Role(kind or "paragraph", level, ordered, unit, quote, table, row, cell, header, column)


def _list_position(block_tags: Sequence[str], item_depth: int) -> tuple[int, bool]:
    """The nesting of the list item at ``item_depth`` (1: a top list) and whether its list is numbered."""
    lists = [tag for tag in block_tags[:item_depth] if tag in LIST_TAGS]
    return max(len(lists), 1), bool(lists) and lists[-1] == "ol"


def bullet(text: str) -> re.Match[str] | None:
    """The bullet written as text at the start of a block (``• ``, ``* ``...), if any."""
    return _BULLET.match(text)


def list_marker(text: str) -> re.Match[str] | None:
    """The list marker at the start of a text line (``- ``, ``• ``, ``1. ``, ``2) ``...), if any."""
    return _LIST_MARKER.match(text)


def line_role(text: str) -> Role:
    """The role of a text dump's line: a list item when it starts with a list marker, else a paragraph."""
    if text[:1] not in _MARKER_STARTS:  # most lines: one set lookup, no regex
        return PARAGRAPH
    found = list_marker(text)
    if found is None:
        return PARAGRAPH
    return Role("item", 1, ordered=found.group(0)[0].isdigit())


# Spans past these are markup errors (colspan="1000"): the HTML standard caps colspan at
# 1000 and rowspan at 65534; a text table needs far fewer.
MAX_COLSPAN = 50
MAX_ROWSPAN = 500


class TableLayout:
    """The column of each table cell as the HTML table model places it (``colspan``, ``rowspan``).

    The segmenter reports table, row and cell starts and table ends in document order;
    nested tables keep their own state.
    """

    def __init__(self) -> None:
        """Start outside any table."""
        # Per open table: the next free column of the current row, the columns rowspans
        # from rows above hold in the current row, and the rows each such span has left.
        self._tables: list[tuple[list[int], set[int], dict[int, int]]] = []

    def start(self, tag: str, element: Any) -> int | None:
        """Note the start of a ``table``, ``tr``, ``td`` or ``th``; a cell's column (None for the others)."""
        if tag == "table":
            self._tables.append(([0], set(), {}))
            return None
        if not self._tables:
            return None
        next_column, blocked, spans = self._tables[-1]
        if tag == "tr":
            next_column[0] = 0
            blocked.clear()
            blocked.update(spans)
            for column in list(spans):
                spans[column] -= 1
                if not spans[column]:
                    del spans[column]
            return None
        column = next_column[0]
        while column in blocked:
            column += 1
        width = _span(element.get("colspan"), MAX_COLSPAN)
        below = _span(element.get("rowspan"), MAX_ROWSPAN) - 1
        for covered in range(column, column + width):
            if below > 0:
                spans[covered] = below
        next_column[0] = column + width
        return column

    def end_table(self) -> None:
        """Note the end of a ``table``."""
        if self._tables:
            self._tables.pop()


def _span(value: str | None, cap: int) -> int:
    """A colspan or rowspan attribute as a number from 1 to ``cap`` (1 when missing or not a number)."""
    try:
        return min(max(int(str(value).strip()), 1), cap)
    except ValueError:
        return 1
