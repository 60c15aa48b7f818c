"""The data that flows through cleaner: Document -> [Block] -> [Decision] -> Result.

Every type here is plain data. A removal is never a bare bool: it is a Decision with a
reason code from :data:`REASONS`, the extractor that made it and its evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

InputType = Literal["html", "text"]
Status = Literal["ok", "empty", "error", "skipped"]
Stage = Literal["read", "decode", "parse", "extract", "write"]


@dataclass(frozen=True, slots=True)
class Document:
    """One web document as a reader found it, before any cleaning.

    ``content`` is raw bytes for HTML (decoded by the pipeline, which knows the charset
    rules) and ``str`` for text documents. ``source`` is the input path relative to the
    folder the user gave, plus ``#offset`` inside an archive or ``#line`` inside JSONL.
    """

    id: str
    source: str
    input_type: InputType
    content: bytes | str
    url: str | None = None
    site: str | None = None
    charset_hint: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


class Role(NamedTuple):
    """What a block is in the page's structure, for Markdown output (:mod:`cleaner.page.markdown`).

    A named tuple, not a frozen dataclass: the segmenter makes one for most list items,
    headings and table cells of a page, and a tuple is built in C (a frozen dataclass sets
    each of its ten fields through ``object.__setattr__``).

    ``kind`` is ``heading`` (``level`` 1-6), ``item`` (a list item: ``level`` its list
    nesting from 1, ``ordered`` for a numbered list), ``code`` (preformatted text) or
    ``paragraph``. ``unit`` numbers the element the block belongs to (the heading, the list
    item, the ``<pre>``): blocks that share it render as one. ``quote`` counts the block
    quotes around the block. Inside a table cell, ``table``, ``row`` and ``cell`` number
    the table, the row and the cell (0 outside tables), ``header`` marks a header cell and
    ``column`` is the cell's column (from 0, spans counted); ``kind`` is then the role of
    the block inside its cell.
    """

    kind: str = "paragraph"
    level: int = 0
    ordered: bool = False
    unit: int = 0
    quote: int = 0
    table: int = 0
    row: int = 0
    cell: int = 0
    header: bool = False
    column: int = 0

    @property
    def label(self) -> str:
        """A few words naming the role for people (``--explain``, the report): ``heading 2``, ``list item``..."""
        if self.kind == "heading":
            label = f"heading {self.level}"
        elif self.kind == "item":
            label = "numbered item" if self.ordered else "list item"
        elif self.kind == "code":
            label = "code"
        elif self.table:
            label = "table header" if self.header else "table cell"
        else:
            label = "paragraph"
        return "quote " + label if self.quote else label


# The role of a block with no structure around it (shared: roles are immutable).
PARAGRAPH = Role()


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of text that is kept or dropped as a whole: a DOM block or a text line.

    ``tag_path`` lists the ancestors' tag names from the root down to the block's own
    tag; ``attr_tokens`` holds the lower-cased class/id tokens of the block and its
    ancestors (``nav``, ``footer``, ``comment``...); ``link_chars`` counts characters
    inside links. ``containers`` numbers the block-level elements around an HTML block,
    outermost first (the numbers are the elements' order in the page; two blocks share an
    element when they share its number). For a text line ``tag`` is ``"line"``, ``line_no``
    its line number and ``containers`` empty. ``role`` says what the block is in the page's
    structure (heading, list item, table cell, code...; see :class:`Role`).

    A block's ``text`` never holds a line break (any character ``str.splitlines`` splits
    on): the segmenters collapse white space in HTML and cut text dumps into lines. The
    page-wide feature passes rely on it: they join a page's blocks with newlines and split
    the result back into one piece per block.
    """

    index: int
    text: str
    tag: str = "line"
    tag_path: tuple[str, ...] = ()
    attr_tokens: frozenset[str] = frozenset()
    link_chars: int = 0
    line_no: int = -1
    containers: tuple[int, ...] = ()
    role: Role = PARAGRAPH
    # The text of a block inside <pre> as written, line breaks and indentation kept (for
    # Markdown code blocks); None elsewhere. ``text`` stays white-space collapsed.
    verbatim: str | None = None
    # The block's links when the segmenter was asked for them (``--links``): each link's
    # text (white space collapsed, as in ``text``) and its ``href`` as written, in order.
    links: tuple[tuple[str, str], ...] = ()

    @property
    def link_density(self) -> float:
        """Share of the block's characters that sit inside links (0 for text lines)."""
        return self.link_chars / len(self.text) if self.text else 0.0


@dataclass(frozen=True, slots=True)
class Decision:
    """Keep or drop one block, with a reason code, its maker and its evidence.

    ``score`` is the maker's confidence that the block is content (0..1). When a context
    pass flips a verdict, the first-pass verdict stays in ``first_pass``. An ensemble
    keeps every extractor's vote in ``votes``.
    """

    block: int
    keep: bool
    reason: str
    by: str
    score: float = 1.0
    detail: str = ""
    first_pass: Decision | None = None
    votes: tuple[Decision, ...] = ()

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"unknown reason code {self.reason!r}: add it to cleaner.model.REASONS")


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """Why a document or file failed: the stage, the exception type and its message."""

    stage: Stage
    type: str
    message: str


@dataclass(slots=True)
class Result:
    """The outcome of cleaning one document.

    ``text`` is always the kept blocks' text joined by newlines, so it can be rebuilt
    from ``decisions`` (see :func:`rebuild_text`). ``status`` is ``ok``, ``empty`` (no
    block kept), ``error`` with ``error`` saying why, or ``skipped`` when a setting filters
    the document out (``Config.languages``): ``skip_reason`` (``language.other``) and
    ``skip_detail`` (its language) say why, and the text and metadata are still filled
    in; a batch writes no record for it and counts it as skipped. ``comments`` holds the
    reader comments when ``Config.comments`` asks for them. A failure is a Result, never
    an exception that ends a batch.
    """

    document: Document
    blocks: list[Block]
    decisions: list[Decision]
    text: str
    metadata: dict[str, Any]
    status: Status
    error: ErrorInfo | None = None
    skip_reason: str | None = None
    skip_detail: str = ""
    # With ``Config.comments``: the page's reader comments (``{text, author, date}``, the
    # last two when the markup gives them), never part of ``text``; None when not asked.
    comments: list[dict[str, str]] | None = None

    @property
    def removed(self) -> list[dict[str, Any]]:
        """The dropped blocks as ``{block, reason, by, role, text, detail}`` dicts, in order."""
        return [
            {
                "block": d.block,
                "reason": d.reason,
                "by": d.by,
                "role": self.blocks[d.block].role.label,
                "text": self.blocks[d.block].text,
                "detail": d.detail,
            }
            for d in self.decisions
            if not d.keep
        ]


def rebuild_text(blocks: list[Block], decisions: list[Decision]) -> str:
    """Join the text of the kept blocks with newlines: the one way a Result's text is made."""
    return "\n".join(blocks[d.block].text for d in decisions if d.keep)


def error_result(
    document: Document, stage: Stage, exc: BaseException | str, metadata: dict[str, Any] | None = None
) -> Result:
    """Build the Result of a failed document from the stage and the exception (or message)."""
    if isinstance(exc, BaseException):
        info = ErrorInfo(stage=stage, type=type(exc).__name__, message=str(exc) or repr(exc))
    else:
        info = ErrorInfo(stage=stage, type="Error", message=exc)
    return Result(
        document=document, blocks=[], decisions=[], text="", metadata=metadata or {}, status="error", error=info
    )


# The registry of reason codes: code -> (family, what it means). A Decision with a code
# that is not here is a programming error, caught at construction.
REASONS: dict[str, tuple[str, str]] = {
    # content that is kept
    "content.article": ("content", "article text"),
    "content.heading": ("content", "a heading that introduces article text"),
    "content.list_item": ("content", "a list item inside the article"),
    "content.quote": ("content", "a quotation inside the article"),
    "content.context": ("content", "short or uncertain block that takes the class of the article around it"),
    "content.selected": ("content", "selected as main content by the extractor"),
    # fields moved into metadata rather than the text
    "meta.title": ("meta", "the headline: moved to metadata.title"),
    "meta.author": ("meta", "a byline: moved to metadata.author"),
    "meta.date": ("meta", "a date line: moved to metadata.date"),
    "meta.source": ("meta", "a source line: moved to metadata.sitename"),
    # boilerplate families
    "nav.skip_link": ("nav", "a 'skip to content' link"),
    "nav.menu": ("nav", "navigation menu or breadcrumb"),
    "newsletter.signup": ("newsletter", "newsletter or subscription call to action"),
    "social.follow": ("social", "follow us / share on social media"),
    "comments.widget": ("comments", "comment widget heading or form"),
    "comments.captcha": ("comments", "a captcha in a comment form"),
    "related.links": ("related", "related / recommended / more-from link list"),
    "related.teaser": ("related", "teaser of another article"),
    "promo.promoted": ("promo", "promoted or sponsored content"),
    "ads.label": ("ads", "an advertisement label"),
    "jobs.widget": ("jobs", "job-listing widget"),
    "cookie.notice": ("cookie", "cookie or consent notice"),
    "legal.footer": ("legal", "copyright, terms or 'about this site' footer"),
    "media.caption": ("media", "image or video caption or credit"),
    "boilerplate.short": ("boilerplate", "a short line with no sentence in it"),
    "boilerplate.context": ("boilerplate", "uncertain block that takes the class of the boilerplate around it"),
    "boilerplate.teaser_run": ("related", "a run of teasers after the article ended"),
    "boilerplate.other": ("boilerplate", "boilerplate with no more specific family"),
    # extractor-specific verdicts (adapters over other libraries)
    "extractor.not_selected": ("extractor", "not part of the main content the extractor selected"),
    # page rules (cleaner.extractors.page_rules)
    "hidden.element": ("hidden", "inside an element the page hides (hidden, aria-hidden, display:none...)"),
    "hidden.microdata": ("hidden", "a machine-readable value (microdata timestamp), not text to read"),
    "dup.in_page": ("dup", "repeats a block already kept on the page"),
    # corpus statistics
    "corpus.repeated_on_site": ("corpus", "repeated across many pages of the same site"),
    # structural
    "empty.whitespace": ("empty", "no visible text"),
    # dropped because a setting asks for it (cleaner.pipeline.apply_settings)
    "structure.table": ("structure", "inside a data table, dropped by --no-tables"),
}


def reason_family(code: str) -> str:
    """The boilerplate family of a reason code (``nav``, ``social``, ``content``...)."""
    return REASONS[code][0]
