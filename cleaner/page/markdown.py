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
from contextlib import suppress
from dataclasses import dataclass, replace
from urllib.parse import quote, urljoin

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
    return _escape_line_start(escape_inline(text))


def _escape_line_start(escaped: str) -> str:
    """An escaped line with the escape its start needs so it stays a paragraph."""
    found = _LINE_START.match(escaped)
    if found is None:
        return escaped
    if found.group(0)[0].isdigit():  # "1. " is a list item: escape the "."
        end = found.end()
        return escaped[:end] + "\\" + escaped[end:]
    return "\\" + escaped


# Link targets that lead nowhere a reader of the text can follow: in-page anchors,
# scripts, inline data.
_DEAD_LINKS = ("#", "javascript:", "data:", "about:")
# What a link target may hold as written; anything else (spaces, parentheses, angle
# brackets, pipes, backslashes, non-ASCII) is percent-encoded so the target stays one
# Markdown link destination, in a table cell too.
_URL_SAFE = "/:?#[]@!$&'*+,;=%~"


@dataclass(frozen=True, slots=True)
class _Inline:
    """How a block's running text is written: escaped, with its links when they are asked for."""

    links: bool = False
    base_url: str | None = None

    def __call__(self, block: Block, text: str | None = None) -> str:
        """``text`` (default: the block's) escaped; each of the block's links found in it as ``[text](url)``."""
        text = block.text if text is None else text
        if not (self.links and block.links):
            return escape_inline(text)
        out = []
        position = 0
        for label, href in block.links:
            url = self.target(href)
            start = text.find(label, position)
            if url is None or start < 0:
                continue
            out.append(escape_inline(text[position:start]))
            out.append(f"[{escape_inline(label)}]({url})")
            position = start + len(label)
        out.append(escape_inline(text[position:]))
        return "".join(out)

    def target(self, href: str) -> str | None:
        """A link's target as a Markdown destination: absolute against the page's URL, encoded; None when dead."""
        if not href or href.lower().startswith(_DEAD_LINKS):
            return None
        if self.base_url:
            with suppress(ValueError):  # a malformed target ("http://[::1"): kept as written
                href = urljoin(self.base_url, href)
        return quote(href, safe=_URL_SAFE)


@dataclass(slots=True)
class _Unit:
    """Kept blocks rendered together: one heading, list item, code block, paragraph or table."""

    kind: str
    blocks: list[Block]


def render_markdown(
    blocks: Sequence[Block],
    decisions: Sequence[Decision],
    title: str | None = None,
    headline: bool = False,
    links: bool = False,
    base_url: str | None = None,
) -> str:
    """The kept blocks of a page as Markdown.

    The first kept heading whose text is ``title`` (the page's headline, which the record
    carries in ``metadata.title``) is left out unless ``headline`` is true. With ``links``,
    the blocks' links (segmented with them, :func:`cleaner.page.segment.segment_html`)
    are written ``[text](url)``, relative targets made absolute against ``base_url``;
    in-page anchors and scripts are left as text.
    """
    kept = [blocks[d.block] for d in decisions if d.keep]
    units = _units(kept)
    if title and not headline:
        units = _without_headline(units, title)
    return _join(units, _Inline(links, base_url))


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
    role = block.role._replace(table=0, row=0, cell=0, header=False)
    return replace(block, role=role)


def _rows(blocks: Sequence[Block], inline: _Inline | None = None) -> list[list[str]]:
    """The table's rows, each a list of cell texts by column (a cell's blocks joined by spaces).

    A column a row has no text in (an empty cell, a span from another cell) is ``""``.
    With ``inline``, the cells are written as Markdown (escaped, with links).
    """
    rows: dict[int, dict[int, list[str]]] = {}
    for block in blocks:
        text = block.text if inline is None else inline(block)
        rows.setdefault(block.role.row, {}).setdefault(block.role.column, []).append(text)
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


def _join(units: Sequence[_Unit], inline: _Inline) -> str:
    """Render the units in order: list items of one list one per line, other units a blank line apart."""
    parts: list[str] = []
    item_level = 0  # nesting of the previous unit when it was a list item, else 0
    counters: list[int] = []  # the number of the next item at each nesting level
    for unit in units:
        if unit.kind == "item":
            level = min(max(unit.blocks[0].role.level, 1), item_level + 1)
            del counters[level:]
            counters += [1] * (level - len(counters))
            rendered = _item(unit, level, counters[level - 1], inline)
            counters[level - 1] += 1
            separator = "\n" if item_level else "\n\n"
            item_level = level
        else:
            rendered = _render(unit, inline)
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


def _item(unit: _Unit, level: int, number: int, inline: _Inline) -> str:
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
    lines = [f"{indent}{marker} {_escape_line_start(inline(first, text))}"]
    for block in unit.blocks[1:]:
        sub_item = bullet(block.text)
        if sub_item is None:
            lines[-1] += " " + inline(block)
        else:
            lines.append(f"{indent}    - {_escape_line_start(inline(block, block.text[sub_item.end() :]))}")
    return "\n".join(lines)


def _render(unit: _Unit, inline: _Inline) -> str:
    if unit.kind == "code":
        code = "\n".join(b.verbatim if b.verbatim is not None else b.text for b in unit.blocks)
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}\n{code}\n{fence}"
    if unit.kind == "table":
        return _table(unit.blocks, inline)
    text = " ".join(inline(b) for b in unit.blocks)
    if unit.kind == "heading":
        level = unit.blocks[0].role.level
        # A run of "#" after a space ends an ATX heading and is dropped: escape its first.
        return "#" * level + " " + _CLOSING_HASHES.sub(r"\1\\\2", text)
    return _escape_line_start(text)


def _table(blocks: Sequence[Block], inline: _Inline) -> str:
    """A GitHub pipe table: the first row is the header; every row has a cell for every column."""
    rows = _rows(blocks, inline)
    width = len(rows[0])
    lines = []
    for index, row in enumerate(rows):
        cells = [c.replace("|", "\\|") for c in row]
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)
