"""Cut a page into blocks: DOM text blocks for HTML, non-blank lines for text dumps.

Every extractor decides on the same blocks, so their votes can be compared and the output
rebuilt from the decisions. Both segmenters keep the invariant of :class:`cleaner.model.Block`:
a block's text never holds a line break. HTML is parsed once with lxml (the tree is shared with the
extractors and the metadata) and walked iteratively, so nesting depth costs no recursion.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.etree
import lxml.html

from cleaner.errors import InputError
from cleaner.model import Block, Role
from cleaner.page.roles import (
    CONTEXT_TAGS,
    ROOT_CONTEXT,
    TABLE_TAGS,
    RoleContext,
    TableLayout,
    line_role,
    structure_tag,
)

# Elements whose start or end ends the current block: the HTML block-level elements plus
# table cells and <br>, which browsers render as a line break.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "noscript",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Elements whose text is never visible page text. <button> is not among them: libxml2
# nests the rest of the page inside a <button> left open by broken markup. <noscript> is
# not either: it is what a browser without scripts shows, and some sites (Discourse
# forums, for one) put their whole server-rendered page there; its blocks carry
# "noscript" in their tag path so the extractors can weigh them.
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "template",
        "svg",
        "math",
        "iframe",
        "head",
        "select",
        "option",
        "textarea",
        "canvas",
        "object",
        "embed",
        "audio",
        "video",
        "map",
        "input",
        "datalist",
    ]
)
# Deeper tag paths are cut to their last levels: enough to see the block's container
# (article, nav, footer...) without a 100k-deep page costing 100k entries per block.
MAX_TAG_PATH = 24
# A block's class/id tokens gather those of all its ancestors; past this many the page is
# pathological and more tokens add nothing a classifier could use.
MAX_ATTR_TOKENS = 64
# Past the cap, a block keeps the tokens of at most this many of its nearest ancestors
# that carry class/id tokens: enough to reach the container that names its role.
NEAREST_LEVELS = 8
_TOKEN_SPLIT = re.compile(r"[\s_\-:/.]+")
_INNER_SEPARATOR = re.compile(r"[_\-:/.]")
_WHITESPACE = re.compile(r"\s+")


# Every element is an lxml.html.HtmlElement (text_content, drop_tree... for the libraries
# given the tree), chosen in C: lxml.html's own lookup calls back into Python for each
# element object it makes (a million calls for 300 pages, 2 ms a page), to give form
# fields their own classes, which nothing here uses.
_HTML_CLASSES = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def parse_html(markup: str) -> Any:
    """Parse HTML into an lxml root, raising InputError when the parse loses the page.

    libxml2 stops at a nesting depth of 2048 (with ``huge_tree``) and silently drops the
    rest of the page; that is reported as an error rather than an empty result.
    """
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(_HTML_CLASSES)
    if not markup.strip():
        raise InputError("the page has no content to parse")
    # lxml refuses str input that declares its own encoding; the markup is already decoded.
    root = lxml.html.document_fromstring(_strip_xml_declaration(markup), parser=parser)
    for entry in parser.error_log:
        if entry.level_name == "FATAL" and "depth" in entry.message:
            raise InputError(f"HTML nested too deep to parse without losing text ({entry.message.strip()})")
    return root


def _strip_xml_declaration(markup: str) -> str:
    head = markup.lstrip()[:5].lower()
    if head.startswith("<?xml"):
        end = markup.find("?>")
        if end != -1:
            return markup[end + 2 :]
    return markup


# Tokens of each class/id value seen so far: a page repeats a few hundred class strings
# over thousands of elements. Cleared past this many values to stay bounded over a long run:
# 10,000 (with the caches of cleaner.page.matrix at a tenth of their first sizes) cleans 1,500
# devdata pages as fast as ten times more, and a worker grows by 60 MB instead of 240 MB.
_VALUE_TOKENS: dict[str, tuple[str, ...]] = {}
_VALUE_CACHE_LIMIT = 10_000


def _value_tokens(value: str) -> tuple[str, ...]:
    tokens = _VALUE_TOKENS.get(value)
    if tokens is None:
        lowered = value.lower()
        # Pure numbers (page-id-2430) say nothing about a block's role.
        found = [t for t in lowered.split() if not t.isdigit()]
        if _INNER_SEPARATOR.search(lowered):
            found.extend(t for t in _TOKEN_SPLIT.split(lowered) if t and not t.isdigit())
        else:  # the finer split would give the same words again
            found.extend(found)
        tokens = tuple(found)
        if len(_VALUE_TOKENS) >= _VALUE_CACHE_LIMIT:
            _VALUE_TOKENS.clear()
        _VALUE_TOKENS[value] = tokens
    return tokens


def _attr_tokens(element: Any) -> list[str]:
    tokens: list[str] = []
    for name in ("class", "id"):
        value = element.get(name)
        if value:
            tokens.extend(_value_tokens(value))
    return tokens


# The tokens of each (class, id, hidden, aria-hidden, style) combination seen so far.
_ELEMENT_TOKENS: dict[tuple[str | None, ...], tuple[str, ...]] = {}


def _element_tokens(element: Any) -> tuple[str, ...]:
    """An element's class/id tokens plus its hidden markers (cached by attribute values)."""
    get = element.get
    key = (get("class"), get("id"), get("hidden"), get("aria-hidden"), get("style"))
    tokens = _ELEMENT_TOKENS.get(key)
    if tokens is None:
        tokens = tuple(_attr_tokens(element) + _hidden_tokens(element))
        if len(_ELEMENT_TOKENS) >= _VALUE_CACHE_LIMIT:
            _ELEMENT_TOKENS.clear()
        _ELEMENT_TOKENS[key] = tokens
    return tokens


def _hidden_tokens(element: Any) -> list[str]:
    """Tokens marking an element the browser hides at first.

    Hidden text is not skipped: server-rendered pages often ship their whole article in a
    ``<div hidden>`` that a script reveals. The extractors weigh the tokens instead.
    """
    tokens = []
    if element.get("hidden") is not None:
        tokens.append("attr:hidden")
    if element.get("aria-hidden") == "true":
        tokens.append("attr:aria-hidden")
    style = element.get("style")
    if style:
        squeezed = style.replace(" ", "").lower()
        if "display:none" in squeezed:
            tokens.append("style:display-none")
        if "visibility:hidden" in squeezed:
            tokens.append("style:visibility-hidden")
    return tokens


class _BlockBuilder:
    """Collects text pieces into blocks while the tree walk reports starts and ends."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.pieces: list[str] = []
        self.link_chars = 0
        self.owner: tuple[str, tuple[str, ...], frozenset[str], tuple[int, ...], Role] | None = None
        # The open block-level elements, outermost first: their tags, serial numbers and
        # role contexts (the last one's role is a block's role here).
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
            if text:
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
                        verbatim=_verbatim(raw) if role.kind == "code" else None,
                        links=tuple(self.block_links),
                    )
                )
        self.block_links = []
        self.pieces = []
        self.link_chars = 0
        self.owner = None


def segment_html(root: Any, links: bool = False) -> list[Block]:
    """Return the visible text blocks of a parsed page in document order.

    A block is the text between two block-level boundaries, white space collapsed (the
    white space includes every line break ``str.splitlines`` knows, so no block holds
    one); its ``tag`` is the innermost block-level element holding it, its ``containers``
    the numbers of the block-level elements around it (so blocks of one element can be
    told from those of a sibling with the same tag path). With ``links``, each block
    also gets its links (:attr:`cleaner.model.Block.links`).
    """
    body = root.find("body")
    start = body if body is not None else root
    builder = _BlockBuilder()
    path: list[str] = []
    block_tags = builder.block_tags
    contexts = builder.contexts
    token_stack: list[frozenset[str]] = [frozenset()]
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
                serial += 1
                builder.containers.append(serial)
                aria = element.get("role")  # rare: one C lookup, no Python call for the others
                structure = structure_tag(tag, element, aria) if aria else tag
                context = contexts[-1]
                if tag in TABLE_TAGS:
                    column = tables.start(tag, element) or 0
                    contexts.append(context.enter(structure, serial, column) if structure in CONTEXT_TAGS else context)
                else:
                    contexts.append(context.enter(structure, serial, 0) if structure in CONTEXT_TAGS else context)
            path.append(tag)
            # Most elements have no attributes: skip the token work for them.
            tokens = _element_tokens(element) if element.attrib else ()
            parent_tokens = token_stack[-1]
            own_tokens.append(tokens)
            if not tokens:
                token_stack.append(parent_tokens)
            elif len(parent_tokens) + len(tokens) <= MAX_ATTR_TOKENS:
                token_stack.append(parent_tokens.union(tokens))
            else:
                token_stack.append(_nearest_tokens(own_tokens))
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
            contexts.pop()
            builder.containers.pop()
            if tag == "table":
                tables.end_table()
        path.pop()
        token_stack.pop()
        own_tokens.pop()
        if element.tail and element is not start:
            _add_tail(builder, element, in_link, block_tags, path, token_stack)
    builder.flush()
    return builder.blocks


def _verbatim(raw: str) -> str:
    """Preformatted text as written: line breaks and indentation kept, blank lines at its ends cut."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines)


def _nearest_tokens(own_tokens: list[tuple[str, ...]]) -> frozenset[str]:
    """The class/id tokens of the nearest ancestors, up to MAX_ATTR_TOKENS.

    Utility-class pages (Tailwind: "flex bg-white px-4 md:hidden ...") reach the cap a few
    levels below <body>; keeping the nearest levels' tokens, not the outermost, keeps what
    names the block's own container (nav, footer, comment). Whole levels are added, nearest
    first, within the last NEAREST_LEVELS levels that carry tokens (set unions in C, no
    per-token Python loop: this runs for most elements of such pages).
    """
    kept: frozenset[str] = frozenset()
    levels = 0
    for level in reversed(own_tokens):
        if not level:
            continue
        wider = kept.union(level)
        if len(wider) > MAX_ATTR_TOKENS:
            return kept or frozenset(level[:MAX_ATTR_TOKENS])
        kept = wider
        levels += 1
        if levels == NEAREST_LEVELS:
            break
    return kept


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


def segment_text(text: str) -> list[Block]:
    """Return one block per non-blank line of a text dump, stripped, with its line number.

    Lines are cut by ``str.splitlines``, so no block holds any of the line breaks it knows.
    """
    blocks: list[Block] = []
    for line_no, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if stripped:
            role = line_role(stripped)
            blocks.append(Block(index=len(blocks), text=stripped, tag="line", line_no=line_no, role=role))
    return blocks
