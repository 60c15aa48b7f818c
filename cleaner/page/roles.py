"""The role of a block in the page's structure: heading, list item, table cell, code, quote.

Both page walks (the compiled one and the pure-Python reference) keep a stack of
:class:`RoleContext`, one per block-level element open around their position, and read
each block's role from the innermost; :func:`line_role` reads a text dump's line. Roles
change nothing in what is kept: the Markdown writer (:mod:`cleaner.page.markdown`)
renders them, ``--explain`` and the report show them.
"""

from __future__ import annotations

import re
from typing import Any

from cleaner.model import PARAGRAPH, Role

__all__ = [
    "BULLETS",
    "TABLE_TAGS",
    "TableLayout",
    "bullet",
    "CONTEXT_TAGS",
    "ROOT_CONTEXT",
    "RoleContext",
    "line_role",
    "list_marker",
    "structure_tag",
]

# The table elements :class:`TableLayout` follows.
TABLE_TAGS = frozenset(["table", "tr", "td", "th"])
# The heading elements and their levels; the list elements whose items nest.
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LISTS = frozenset(["ul", "ol", "menu", "dir"])
# The elements that give a block a role other than a plain paragraph.
_ROLE_TAGS = frozenset([*_HEADINGS, "li", "pre", "td", "th", "blockquote"])
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
    structured = tag in TABLE_TAGS or tag in _LISTS or tag == "li"
    if not stands_for:
        return "div" if structured else tag
    return tag if structured else stands_for  # <ol role="list"> stays numbered


# The elements that change the role of the blocks inside them: what gives a kind, a quote
# or a table position, and the lists, rows, tables and table heads a kind or cell reads.
# Any other element leaves its parent's context as it is.
CONTEXT_TAGS = frozenset([*_ROLE_TAGS, *_LISTS, "tr", "table", "thead"])


class RoleContext:
    """What the open block-level elements say about a block inside them: its :attr:`role`.

    The segmenter keeps a stack of contexts, one per open block-level element: the
    outermost is :data:`ROOT_CONTEXT`; an element whose tag (as its structure reads,
    :func:`structure_tag`) is in :data:`CONTEXT_TAGS` gets :meth:`enter`'s context, any
    other its parent's. So each element costs one step as it opens, whatever the depth.

    The innermost heading, list item or ``<pre>`` gives the kind (a list item's level is
    the number of lists around it, numbered when the innermost is an ``<ol>``); the
    innermost table cell gives the table position (its nearest row and table around it, a
    header when it is a ``<th>`` or inside a ``<thead>`` of that table); every
    ``<blockquote>`` counts. Besides ``role``, a context holds what the elements inside it
    need: the innermost kind (kind, level, ordered, unit) and cell (cell, header, column,
    row, table), the quotes, the open lists and whether the innermost is numbered, the
    nearest row and table, and whether a ``<thead>`` opened since that table.
    """

    __slots__ = ("cell", "kind", "lists", "ordered", "quote", "role", "row", "table", "thead")

    def __init__(self) -> None:
        """The context outside every element: a block there is a paragraph."""
        self.role = PARAGRAPH
        self.kind: tuple[str, int, bool, int] | None = None
        self.cell: tuple[int, bool, int, int, int] | None = None
        self.quote = 0
        self.lists = 0
        self.ordered = False
        self.row = 0
        self.table = 0
        self.thead = False

    def enter(self, tag: str, serial: int, column: int) -> RoleContext:
        """The context inside a child ``tag`` of :data:`CONTEXT_TAGS` (numbered ``serial``; a cell's ``column``)."""
        child = RoleContext.__new__(RoleContext)
        kind, cell, quote = self.kind, self.cell, self.quote
        lists, ordered, row, table, thead = self.lists, self.ordered, self.row, self.table, self.thead
        if tag in _HEADINGS:
            kind = ("heading", _HEADINGS[tag], False, serial)
        elif tag == "li":
            kind = ("item", max(lists, 1), lists > 0 and ordered, serial)
        elif tag == "pre":
            kind = ("code", 0, False, serial)
        elif tag == "blockquote":
            quote += 1
        elif tag in _LISTS:
            lists, ordered = lists + 1, tag == "ol"
        elif tag == "table":
            table, thead = serial, False
        elif tag == "tr":
            row = serial
        elif tag == "thead":
            thead = True
        else:  # td, th
            cell = (serial, tag == "th" or thead, column, row, table)
        child.kind, child.cell, child.quote = kind, cell, quote
        child.lists, child.ordered, child.row, child.table, child.thead = lists, ordered, row, table, thead
        child.role = _block_role(kind, cell, quote)
        return child


def _block_role(
    kind: tuple[str, int, bool, int] | None, cell: tuple[int, bool, int, int, int] | None, quote: int
) -> Role:
    """The role of a block given the innermost kind, the innermost cell and the quotes around it."""
    if not (kind or quote or cell):
        return PARAGRAPH
    name, level, ordered, unit = kind or ("paragraph", 0, False, 0)
    if cell is None or not (cell[3] and cell[4]):  # a cell outside a row or table: libxml2 keeps stray cells
        return Role(name, level, ordered, unit, quote)
    number, header, column, row, table = cell
    return Role(name, level, ordered, unit, quote, table, row, number, header, column)


# The context outside every element.
ROOT_CONTEXT = RoleContext()


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
