"""The kept blocks as Markdown: headings, lists, tables, code and quotes from the blocks' roles.

:func:`render_markdown` is the one way a Result's Markdown text is made (``--markdown``,
``Config(markdown=True)``, ``--format md``). The words are those of the plain text, in
the same order; only markers are added (``#``, ``- ``, ``1. ``, ``|``, fences, ``> ``)
and, in running text, backslashes before the characters that would otherwise start
Markdown syntax (:func:`escape_inline`, :func:`escape_line`). Tables follow GitHub's
pipe-table syntax (a header row, then a delimiter row); a table that holds page layout
rather than data is written as its paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cleaner.model import Block, Decision
from cleaner.page.roles import bullet, list_marker

__all__ = ["MAX_CELL_CHARS", "escape_inline", "escape_line", "is_data_table", "render_markdown"]

# A table cell longer than this holds page layout (an article, a sidebar), not a datum: a
# long sentence fits, a paragraph does not. Such a table is written as its paragraphs.
MAX_CELL_CHARS = 400
# A data table has at least this many rows and, in one row at least, this many columns:
# fewer is a layout box (a row of two boxes, a one-column stack of paragraphs).
MIN_TABLE_ROWS = 2
MIN_TABLE_COLUMNS = 2

# Characters that start inline syntax anywhere: code spans, emphasis, links, raw HTML and
# autolinks, backslash escapes; and the runs of "_" that could open emphasis, those not
# after a letter or digit. A run after one (inside "snake_case", at the end of a cloze's
# "这是______") can only close emphasis, which nothing opens once every opener is
# escaped, so such words stay one word.
_INLINE = re.compile(r"[\\`*\[\]<]|_+|&(?=#?\w+;)")
# What starts a block when it opens a line: ATX headings, quotes, list items, thematic
# breaks, fences, setext underlines, ordered list items.
_LINE_START = re.compile(r"[#>+\-=~]|\d{1,9}(?=[.)])")
_SPACE = re.compile(r"\s+")
_CLOSING_HASHES = re.compile(r"(\s)(#+)\s*$")


def escape_inline(text: str) -> str:
    """``text`` with a backslash before every character that would start inline Markdown syntax."""

    def escape(found: re.Match[str]) -> str:
        run = found.group(0)
        if run[0] != "_":
            return "\\" + run
        start = found.start()
        if start > 0 and text[start - 1].isalnum():
            return run  # inside a word or at its end: it cannot open emphasis, and every opener is escaped
        return "\\_" * len(run)

    return _INLINE.sub(escape, text)


def escape_line(text: str) -> str:
    """:func:`escape_inline`, plus the escape a line's start needs so it stays a paragraph."""
    escaped = escape_inline(text)
    found = _LINE_START.match(escaped)
    if found is None:
        return escaped
    if found.group(0)[0].isdigit():  # "1. " is a list item: escape the "."
        end = found.end()
        return escaped[:end] + "\\" + escaped[end:]
    return "\\" + escaped


@dataclass(slots=True)
class _Unit:
    """Kept blocks rendered together: one heading, list item, code block, paragraph or table."""

    kind: str
    blocks: list[Block]


def render_markdown(
    blocks: Sequence[Block], decisions: Sequence[Decision], title: str | None = None, headline: bool = False
) -> str:
    """The kept blocks of a page as Markdown.

    The first kept heading whose text is ``title`` (the page's headline, which the record
    carries in ``metadata.title``) is left out unless ``headline`` is true.
    """
    kept = [blocks[d.block] for d in decisions if d.keep]
    units = _units(kept)
    if title and not headline:
        units = _without_headline(units, title)
    return _join(units)


def _units(kept: Sequence[Block]) -> list[_Unit]:
    """Group kept blocks: a table's blocks, one element's blocks (heading, item, code), single paragraphs."""
    units: list[_Unit] = []
    for block in kept:
        role = block.role
        last = units[-1] if units else None
        if role.table:
            if last is not None and last.kind == "table" and last.blocks[-1].role.table == role.table:
                last.blocks.append(block)
            else:
                units.append(_Unit("table", [block]))
        elif role.unit and last is not None and last.kind == role.kind and last.blocks[-1].role.unit == role.unit:
            last.blocks.append(block)
        elif role.kind == "paragraph" and bullet(block.text):  # "• item" written as text
            units.append(_Unit("item", [block]))
        else:
            units.append(_Unit(role.kind, [block]))
    out: list[_Unit] = []
    for unit in units:  # a layout table is written as what its cells hold
        if unit.kind == "table" and not is_data_table(unit.blocks):
            out.extend(_units([_outside_table(b) for b in unit.blocks]))
        else:
            out.append(unit)
    return out


def _outside_table(block: Block) -> Block:
    """The block with its table position removed (its own kind kept)."""
    role = replace(block.role, table=0, row=0, cell=0, header=False)
    return replace(block, role=role)


def _rows(blocks: Sequence[Block]) -> list[list[str]]:
    """The table's rows, each a list of cell texts by column (a cell's blocks joined by spaces).

    A column a row has no text in (an empty cell, a span from another cell) is ``""``.
    """
    rows: dict[int, dict[int, list[str]]] = {}
    for block in blocks:
        rows.setdefault(block.role.row, {}).setdefault(block.role.column, []).append(block.text)
    width = 1 + max(column for cells in rows.values() for column in cells)
    return [[" ".join(cells.get(column, ())) for column in range(width)] for cells in rows.values()]


def is_data_table(blocks: Sequence[Block]) -> bool:
    """Whether a table's kept blocks form a data table (short cells, rows and columns) rather than layout."""
    if any(b.role.kind != "paragraph" for b in blocks):
        return False
    rows = _rows(blocks)
    if len(rows) < MIN_TABLE_ROWS or max(sum(1 for c in r if c) for r in rows) < MIN_TABLE_COLUMNS:
        return False
    return all(len(cell) <= MAX_CELL_CHARS for row in rows for cell in row)


def _without_headline(units: list[_Unit], title: str) -> list[_Unit]:
    wanted = _SPACE.sub(" ", title).strip().casefold()
    for index, unit in enumerate(units):
        if unit.kind == "heading" and _SPACE.sub(" ", _text(unit)).strip().casefold() == wanted:
            return units[:index] + units[index + 1 :]
    return units


def _text(unit: _Unit) -> str:
    return " ".join(b.text for b in unit.blocks)


def _join(units: Sequence[_Unit]) -> str:
    """Render the units in order: list items of one list one per line, other units a blank line apart."""
    parts: list[str] = []
    item_level = 0  # nesting of the previous unit when it was a list item, else 0
    counters: list[int] = []  # the number of the next item at each nesting level
    for unit in units:
        if unit.kind == "item":
            level = min(max(unit.blocks[0].role.level, 1), item_level + 1)
            del counters[level:]
            counters += [1] * (level - len(counters))
            rendered = _item(unit, level, counters[level - 1])
            counters[level - 1] += 1
            separator = "\n" if item_level else "\n\n"
            item_level = level
        else:
            rendered = _render(unit)
            separator = "\n\n"
            item_level = 0
            counters = []
        depth = unit.blocks[0].role.quote
        if depth:
            rendered = "\n".join(("> " * depth + line).rstrip() for line in rendered.split("\n"))
        if parts:
            parts.append(separator)
        parts.append(rendered)
    return "".join(parts)


def _item(unit: _Unit, level: int, number: int) -> str:
    """A list item at ``level`` (1: top), numbered ``number`` when its list is ordered.

    A text dump's line keeps its own marker when Markdown knows it (``-``, ``*``, ``+``,
    ``1.``, ``1)``); a bullet written as text (``•``) becomes ``-``. Further blocks of the
    item (cut by ``<br>``) join its line, except those that start with a bullet: they
    become items one level down.
    """
    first = unit.blocks[0]
    marker = f"{number}." if first.role.ordered else "-"
    text = first.text
    found = list_marker(text) if first.tag == "line" else bullet(text)
    if found is not None:
        own = found.group(0).strip()
        marker = own if own[0].isdigit() or own in ("-", "*", "+") else "-"
        text = text[found.end() :]
    indent = "    " * (level - 1)
    lines = [f"{indent}{marker} {escape_line(text)}"]
    for block in unit.blocks[1:]:
        sub_item = bullet(block.text)
        if sub_item is None:
            lines[-1] += " " + escape_inline(block.text)
        else:
            lines.append(f"{indent}    - {escape_line(block.text[sub_item.end() :])}")
    return "\n".join(lines)


def _render(unit: _Unit) -> str:
    if unit.kind == "heading":
        level = unit.blocks[0].role.level
        # A run of "#" after a space ends an ATX heading and is dropped: escape its first.
        return "#" * level + " " + _CLOSING_HASHES.sub(r"\1\\\2", escape_inline(_text(unit)))
    if unit.kind == "code":
        code = "\n".join(b.verbatim if b.verbatim is not None else b.text for b in unit.blocks)
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}\n{code}\n{fence}"
    if unit.kind == "table":
        return _table(unit.blocks)
    return escape_line(_text(unit))


def _table(blocks: Sequence[Block]) -> str:
    """A GitHub pipe table: the first row is the header; every row has a cell for every column."""
    rows = _rows(blocks)
    width = len(rows[0])
    lines = []
    for index, row in enumerate(rows):
        cells = [escape_inline(c).replace("|", "\\|") for c in row]
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)
