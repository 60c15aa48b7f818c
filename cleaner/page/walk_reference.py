"""The pure-Python tree walk that cuts a parsed page into blocks: the reference path.

:func:`cleaner.page.segment.segment_html` runs the compiled walk
(``cleaner.page.walk_compiled``, built from ``walk_compiled.pyx``) when it is there, and this
one otherwise; the equivalence tests hold the two to identical blocks. Change the
algorithm here first, then port the change to the compiled walk.

The walk is iterative (lxml's ``iterwalk``), so nesting depth costs no recursion.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.etree

from cleaner.model import PARAGRAPH, Block, Role
from cleaner.page.markup import (
    BLOCK_TAGS,
    MAX_ATTR_TOKENS,
    MAX_TAG_PATH,
    SKIP_TAGS,
    attribute_tokens,
    nearest_tokens,
    verbatim,
)
from cleaner.page.roles import CONTEXT_TAGS, ROOT_CONTEXT, TABLE_TAGS, RoleContext, TableLayout, structure_tag

__all__ = ["walk_blocks", "walk_texts"]

_WHITESPACE = re.compile(r"\s+")
_NO_TOKENS: frozenset[str] = frozenset()
# The owner of a block in a lean walk: a started block, with nothing recorded about it.
_LEAN_OWNER = ("", (), _NO_TOKENS, (), PARAGRAPH)


class _BlockBuilder:
    """Collects text pieces into blocks while the tree walk reports starts and ends.

    ``lean`` (for :func:`walk_texts`): each block's text and link characters go to
    ``texts`` and ``link_counts`` instead of a Block, and nothing else about the block is
    gathered (the walk passes placeholders for its tag, path and tokens).
    """

    def __init__(self, lean: bool = False) -> None:
        self.lean = lean
        self.blocks: list[Block] = []
        self.texts: list[str] = []
        self.link_counts: list[int] = []
        self.pieces: list[str] = []
        self.link_chars = 0
        self.owner: tuple[str, tuple[str, ...], frozenset[str], tuple[int, ...], Role] | None = None
        # The open block-level elements, outermost first: their tags, serial numbers and
        # role contexts (the last one's role is a block's role here; cleaner.page.roles).
        self.block_tags: list[str] = []
        self.containers: list[int] = []
        self.contexts: list[RoleContext] = [ROOT_CONTEXT]
        # With links collected: the open link's href and its text pieces in the current
        # block (None outside a link), and the current block's finished links.
        self.link_href = ""
        self.link_pieces: list[str] | None = None
        self.block_links: list[tuple[str, str]] = []

    def add(self, text: str, in_link: bool, tag: str, path: list[str], tokens: frozenset[str]) -> None:
        if not text:
            return
        if self.owner is None:
            if not text.strip():
                return
            if self.lean:  # only whether the block has begun matters
                self.owner = _LEAN_OWNER
            else:
                containers = tuple(self.containers[-MAX_TAG_PATH:])
                role = self.contexts[-1].role
                self.owner = (tag, tuple(path[-MAX_TAG_PATH:]), tokens, containers, role)
        self.pieces.append(text)
        if in_link:
            self.link_chars += len(text.strip())
            if self.link_pieces is not None:
                self.link_pieces.append(text)

    def open_link(self, href: str) -> None:
        """Start collecting a link's text (``--links``)."""
        self.link_href = href
        self.link_pieces = []

    def close_link(self) -> None:
        """End the open link: its text in the current block becomes one of the block's links."""
        if self.link_pieces is not None:
            text = _WHITESPACE.sub(" ", "".join(self.link_pieces)).strip()
            if text and self.link_href:
                self.block_links.append((text, self.link_href))
        self.link_pieces = None

    def flush(self) -> None:
        if self.link_pieces is not None:  # a link that runs on past this block: its part here
            self.close_link()
            self.link_pieces = []
        if self.owner is not None:
            raw = "".join(self.pieces)
            text = _WHITESPACE.sub(" ", raw).strip()
            if text and self.lean:
                self.texts.append(text)
                self.link_counts.append(min(self.link_chars, len(text)))
            elif text:
                tag, path, tokens, containers, role = self.owner
                link_chars = min(self.link_chars, len(text))
                self.blocks.append(
                    Block(
                        index=len(self.blocks),
                        text=text,
                        tag=tag,
                        tag_path=path,
                        attr_tokens=tokens,
                        link_chars=link_chars,
                        containers=containers,
                        role=role,
                        verbatim=verbatim(raw) if role.kind == "code" else None,
                        links=tuple(self.block_links),
                    )
                )
        self.block_links = []
        self.pieces = []
        self.link_chars = 0
        self.owner = None


def walk_blocks(root: Any, links: bool = False) -> list[Block]:
    """The blocks :func:`cleaner.page.segment.segment_html` gives, found in Python (the reference walk)."""
    builder = _BlockBuilder()
    _walk(root, builder, links)
    return builder.blocks


def walk_texts(root: Any) -> tuple[list[str], list[int]]:
    """The text and link characters of each block :func:`walk_blocks` gives, in order, without making the blocks.

    What the corpus pass hashes (:func:`cleaner.corpus.keys.text_keys`): the same walk
    over the same boundaries, with the roles, tag paths and class/id tokens left out.
    """
    builder = _BlockBuilder(lean=True)
    _walk(root, builder, False)
    return builder.texts, builder.link_counts


def _walk(root: Any, builder: _BlockBuilder, links: bool) -> None:
    """Walk the page into ``builder``: its blocks, or in a lean builder their texts alone."""
    body = root.find("body")
    start = body if body is not None else root
    lean = builder.lean
    path: list[str] = []
    block_tags = builder.block_tags
    contexts = builder.contexts
    token_stack: list[frozenset[str]] = [_NO_TOKENS]  # stays so in a lean walk
    own_tokens: list[tuple[str, ...]] = [()]  # each open element's own tokens, for the cap
    in_link = 0  # the <a> elements open around the walk's position
    collect_links = links
    skipping = 0
    serial = 0  # block-level elements started so far: each one's number
    tables = TableLayout()
    walker = lxml.etree.iterwalk(start, events=("start", "end"))
    # The checks before builder.add and builder.flush skip calls that would do nothing:
    # most elements have no text of their own and most block boundaries close no text.
    for event, element in walker:
        tag = element.tag
        # lxml.html lower-cases tag names; comments and entities have non-string tags.
        if type(tag) is not str:
            tag = ""
        if event == "start":
            if skipping or tag in SKIP_TAGS:
                skipping += 1
                # Its end event still comes (for the tail), but nothing inside is visited.
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                if builder.owner is not None:
                    builder.flush()
                block_tags.append(tag)
                if not lean:
                    serial += 1
                    builder.containers.append(serial)
                    aria = element.get("role")  # rare: one C lookup, no Python call for the others
                    structure = structure_tag(tag, element, aria) if aria else tag
                    context = contexts[-1]
                    column = (tables.start(tag, element) or 0) if tag in TABLE_TAGS else 0
                    contexts.append(context.enter(structure, serial, column) if structure in CONTEXT_TAGS else context)
            path.append(tag)
            if not lean:
                # Most elements have no attributes: skip the token work for them.
                tokens = _element_tokens(element) if element.attrib else ()
                parent_tokens = token_stack[-1]
                own_tokens.append(tokens)
                if not tokens:
                    token_stack.append(parent_tokens)
                elif len(parent_tokens) + len(tokens) <= MAX_ATTR_TOKENS:
                    token_stack.append(parent_tokens.union(tokens))
                else:
                    token_stack.append(nearest_tokens(own_tokens))
            if tag == "a":
                if collect_links and not in_link:
                    builder.open_link((element.get("href") or "").strip())
                in_link += 1
            text = element.text
            if text:
                builder.add(text, in_link > 0, block_tags[-1] if block_tags else tag, path, token_stack[-1])
            continue
        if skipping:
            skipping -= 1
            if skipping == 0:
                _add_tail(builder, element, in_link, block_tags, path, token_stack)
            continue
        if tag == "a":
            in_link -= 1
            if collect_links and not in_link:
                builder.close_link()
        if tag in BLOCK_TAGS:
            if builder.owner is not None:
                builder.flush()
            block_tags.pop()
            if not lean:
                contexts.pop()
                builder.containers.pop()
                if tag == "table":
                    tables.end_table()
        path.pop()
        if not lean:
            token_stack.pop()
            own_tokens.pop()
        if element.tail and element is not start:
            _add_tail(builder, element, in_link, block_tags, path, token_stack)
    builder.flush()


def _add_tail(
    builder: _BlockBuilder,
    element: Any,
    links: int,
    block_tags: list[str],
    path: list[str],
    token_stack: list[frozenset[str]],
) -> None:
    tail = element.tail
    if tail:
        owner = block_tags[-1] if block_tags else (path[-1] if path else "body")
        builder.add(tail, links > 0, owner, path, token_stack[-1])


def _element_tokens(element: Any) -> tuple[str, ...]:
    """An element's class/id tokens plus its hidden markers (:func:`cleaner.page.markup.attribute_tokens`)."""
    get = element.get
    return attribute_tokens((get("class"), get("id"), get("hidden"), get("aria-hidden"), get("style")))
