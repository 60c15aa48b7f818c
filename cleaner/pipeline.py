"""Document -> Result: decode, parse, segment, decide, gather metadata. Never raises.

Each stage is a small public function; :func:`clean_document` runs them in order and
turns any failure into an error Result naming the stage, so one bad page never ends a
batch.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from cleaner.config import Config
from cleaner.corpus import apply_site_stats, document_keys
from cleaner.corpus.keys import text_keys, unique_keys
from cleaner.errors import InputError
from cleaner.extractors import resolve_name
from cleaner.extractors.comments import reader_comments
from cleaner.extractors.page_rules import apply_page_rules
from cleaner.extractors.registry import get_extractor
from cleaner.extractors.rules import text_metadata
from cleaner.io.decode import decode_html, decode_text
from cleaner.io.naming import host_of
from cleaner.io.sniff import looks_binary
from cleaner.meta.html import HTML_FIELDS, canonical_host, html_metadata
from cleaner.model import Block, Decision, Document, InputType, Result, Stage, Status, error_result, rebuild_text
from cleaner.page import Page
from cleaner.page.language import identify
from cleaner.page.markdown import is_data_table, render_markdown
from cleaner.page.segment import block_texts, parse_html, segment_html, segment_text

# Every record carries every metadata field (None when unknown), HTML or text.
METADATA_FIELDS = HTML_FIELDS
# The rule of the text extractor that moved each field's line out of a text dump; the
# line is in ``removed`` under the same reason.
TEXT_SOURCES = {"title": "meta.title", "author": "meta.author", "date": "meta.date", "sitename": "meta.source"}
# Characters of the markup identified for the language when no block was kept: the
# language identifier reads at most a sample of long lines from them anyway.
METADATA_SAMPLE_CHARS = 5000
# The skip reason of a document ``Config.languages`` filters out; its detail is the
# document's language, or UNIDENTIFIED when none was found.
LANGUAGE_SKIP = "language.other"
UNIDENTIFIED = "unidentified"


def decode(document: Document, config: Config) -> str:
    """The document's content as text: HTML bytes decoded by BOM, header, <meta>, detection."""
    content = document.content
    if isinstance(content, str):
        return content[: config.max_bytes]
    data = content[: config.max_bytes]
    if looks_binary(data):
        raise InputError("binary content, not a web page or text (an image, PDF or archive?)")
    if document.input_type == "html":
        return decode_html(data, document.charset_hint)[0]
    return decode_text(data)


def parse(document: Document, markup: str, links: bool = False) -> Page:
    """Parse and segment the decoded content into a Page shared by every later stage.

    The page's facts (language, line features...) are computed when a later stage first
    asks for them, once. With ``links``, HTML blocks carry their links (``--links``).
    """
    if document.input_type == "html":
        tree = parse_html(markup)
        return Page(document=document, markup=markup, blocks=segment_html(tree, links), tree=tree)
    return Page(document=document, markup=markup, blocks=segment_text(markup))


def decide(page: Page, config: Config) -> list[Decision]:
    """Ask the configured extractor for one Decision per block, check it gave them, apply the page rules.

    The page rules (:mod:`cleaner.extractors.page_rules`) drop machine timestamps and
    in-page copies of kept blocks, and ``config.tables`` False drops data tables
    (:func:`drop_tables`), whatever the extractor.
    """
    extractor = get_extractor(config.extractor, page.document.input_type)
    decisions = extractor.decide(page, config)
    if len(decisions) != len(page.blocks) or any(d.block != i for i, d in enumerate(decisions)):
        raise RuntimeError(
            f"extractor {extractor.name} returned {len(decisions)} decisions for {len(page.blocks)} blocks"
        )
    if not config.tables:
        decisions = drop_tables(page.blocks, decisions)
    return apply_page_rules(page.blocks, decisions)


def drop_tables(blocks: list[Block], decisions: list[Decision]) -> list[Decision]:
    """Drop the kept blocks of every data table (reason ``structure.table``), for ``--no-tables``.

    A table is a data table when its kept blocks are one for Markdown
    (:func:`cleaner.page.markdown.is_data_table`: rows and columns of short cells); a table
    that holds the page's layout (an article in a cell) keeps its text.
    """
    tables: dict[int, list[Block]] = {}
    for decision in decisions:
        block = blocks[decision.block]
        if decision.keep and block.role.table:
            tables.setdefault(block.role.table, []).append(block)
    data = {table for table, kept in tables.items() if is_data_table(kept)}
    if not data:
        return decisions
    return [
        Decision(d.block, False, "structure.table", "settings", d.score, "--no-tables", first_pass=d)
        if d.keep and blocks[d.block].role.table in data
        else d
        for d in decisions
    ]


def language_skip(metadata: dict[str, Any], config: Config) -> str | None:
    """The detail of a ``language.other`` skip (the document's language), or None when the document is wanted.

    With ``config.languages`` set, a document whose ``metadata.language`` (its primary
    subtag: ``en`` of ``en-gb``) is not in it is filtered out; one whose language was not
    identified too (its detail is :data:`UNIDENTIFIED`): it is not known to be wanted.
    """
    if not config.languages:
        return None
    language = str(metadata.get("language") or "").split("-")[0].lower()
    if language in config.languages:
        return None
    return language or UNIDENTIFIED


def gather_metadata(page: Page, decisions: list[Decision], text: str, config: Config) -> dict[str, Any]:
    """Every field of :data:`METADATA_FIELDS`: from the markup, or from a text dump's lines.

    The language is the configured one, else the page's declared one, else the one
    identified in the text (see :func:`metadata_language`). With ``config.explain``,
    ``metadata_sources`` maps each field found to where it came from (``h1``,
    ``meta:author``, ``text:meta.date``, ``text:langid``...).
    """
    fields: dict[str, Any] = dict.fromkeys(METADATA_FIELDS)
    sources: dict[str, str] = {}
    if page.tree is not None:
        found, sources = html_metadata(page.tree, page.document.url)
        fields.update(found)
    else:
        for name, value in text_metadata(page.blocks, decisions).items():
            if value and name in fields:
                fields[name] = value
                sources[name] = "text:" + TEXT_SOURCES.get(name, "rules")
    if config.language:
        fields["language"], sources["language"] = config.language, "config"
    elif not fields.get("language"):
        fields["language"] = metadata_language(page, text, config)
        if fields["language"]:
            sources["language"] = "text:langid"
    if config.explain:
        fields["metadata_sources"] = sources
    return fields


def metadata_language(page: Page, text: str, config: Config) -> str | None:
    """The language identified for the metadata of a page that declares none.

    The language of the page's blocks when the extractor read it (identified once, see
    :class:`cleaner.page.Page`), else the one of the kept text (of the markup's start when
    nothing is kept). trafilatura reads no language, so its pages get the kept text's;
    giving them the blocks' language would change 6 of the 2,265 devdata pages, some for
    the better, some for the worse.
    """
    if get_extractor(config.extractor, page.document.input_type).uses_page_language:
        known = page.identified_language
        if known:
            return known
    return identify(text or page.markup[:METADATA_SAMPLE_CHARS])


def clean_document(document: Document, config: Config) -> Result:
    """Clean one document; any failure becomes a Result with status ``error``, never an exception."""
    stage: Stage = "decode"
    try:
        markup = decode(document, config)
        stage = "parse"
        page = parse(document, markup, config.links)
        stage = "extract"
        decisions = decide(page, config)
        if config.site_stats:  # pass 2 of the corpus statistics: blocks repeated across the site
            decisions = apply_site_stats(page.blocks, decisions, corpus_site(page), config)
        text = rebuild_text(page.blocks, decisions)
        comments = page_comments(page, text) if config.comments else None
        metadata = gather_metadata(page, decisions, text, config)
        if config.markdown and text.strip():
            text = render_markdown(
                page.blocks,
                decisions,
                metadata.get("title"),
                config.markdown_headline,
                links=config.links,
                base_url=document.url,
            )
            metadata["text_format"] = "markdown"
    except Exception as exc:  # noqa: BLE001 - isolation is this function's job
        return error_result(document, stage, exc, _base_metadata(document, config))
    metadata.update(_base_metadata(document, config))
    status: Status = "ok" if text.strip() else "empty"
    skip = language_skip(metadata, config) if status == "ok" else None  # an empty record is written as ever
    if skip is not None:
        return Result(document, page.blocks, decisions, text, metadata, "skipped", None, LANGUAGE_SKIP, skip, comments)
    return Result(document, page.blocks, decisions, text, metadata, status, comments=comments)


def page_comments(page: Page, text: str) -> list[dict[str, str]]:
    """The reader comments of an HTML page that its clean ``text`` does not hold, as record entries.

    Found in the markup (:mod:`cleaner.extractors.comments`); a text dump has no markup to
    tell a comment from the article, so its list is empty.
    """
    if page.tree is None:
        return []
    return [c.as_record() for c in reader_comments(page.tree, text)]


def _base_metadata(document: Document, config: Config) -> dict[str, Any]:
    """The fields every Result carries, as its record does: where it came from and what cleaned it."""
    try:
        extractor = resolve_name(config.extractor, document.input_type)
    except Exception:  # noqa: BLE001 - an unknown name is reported by the error itself
        extractor = config.extractor
    return {
        "source": document.source,
        "url": document.url,
        "host": host_of(document.url),
        "input_type": document.input_type,
        "extractor": extractor,
    }


def sniff_input_type(content: str | bytes) -> InputType:
    """``html`` when the content starts like markup (after whitespace and a BOM), else ``text``."""
    head = content[:1024]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    head = head.lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body", "<!--", "<meta", "<div", "<p>", "<p ")):
        return "html"
    if not head.startswith("<"):
        return "text"
    window = content[:65536]
    if isinstance(window, bytes):
        return "html" if b"</" in window else "text"
    return "html" if "</" in window else "text"


def clean(
    content: str | bytes,
    url: str | None = None,
    *,
    config: Config | None = None,
    input_type: InputType | None = None,
) -> Result:
    """Clean one HTML page or text dump given as a string or bytes; see :class:`Result`.

    ``input_type`` is sniffed from the content when not given. Never raises for bad
    content: the Result's ``status`` is ``error`` and ``error`` says why.
    """
    config = config or Config()
    kind = input_type or sniff_input_type(content)
    if kind not in ("html", "text"):
        raise InputError(f"input_type must be 'html' or 'text', not {kind!r}")
    resolve_name(config.extractor, kind)  # an unknown extractor is a usage error, not a bad page
    if kind == "text" and isinstance(content, bytes):
        content = decode_text(content)
    digest = hashlib.sha1(content if isinstance(content, bytes) else content.encode("utf-8", "replace")).hexdigest()
    document = Document(id=digest[:16], source="<string>", input_type=kind, content=content, url=url, site=host_of(url))
    return clean_document(document, config)


__all__ = [
    "clean",
    "clean_document",
    "corpus_site",
    "decode",
    "parse",
    "decide",
    "drop_tables",
    "gather_metadata",
    "language_skip",
    "page_comments",
    "site_keys",
    "sniff_input_type",
]


def corpus_site(page: Page) -> str | None:
    """The site a page counts for in the corpus pass: its url's host, else the host its markup names.

    The url is the record's (a WARC target, a JSONL field, the ``url`` given to
    :func:`clean`); a local file has none, and its site is the host of its own canonical
    link or ``og:url``. A page with neither has no known site: the pass neither counts nor
    revises it (a folder of unrelated files is not one site, and outlets that run the same
    agency story are not one site either).
    """
    return _site_of(page.document, page.tree)


def _site_of(document: Document, tree: Any) -> str | None:
    """:func:`corpus_site` of a document and its parsed tree (None for a text dump)."""
    return host_of(document.url) or (canonical_host(tree) if tree is not None else None)


def site_keys(document: Document, config: Config) -> tuple[str | None, np.ndarray]:
    """Pass 1 of the corpus statistics for one document: its :func:`corpus_site` and the set of its block hashes.

    The document is decoded and parsed, not decided (:mod:`cleaner.corpus`). An HTML
    page's blocks are not made: the walk gives their texts and link characters alone
    (:func:`cleaner.page.segment.block_texts`), which is all the hashes read, so the keys
    are those of :func:`parse`'s blocks at a fraction of a full segmentation.
    """
    markup = decode(document, config)
    if document.input_type != "html":
        return _site_of(document, None), document_keys(segment_text(markup))
    tree = parse_html(markup)
    texts, link_chars = block_texts(tree)
    return _site_of(document, tree), unique_keys(text_keys(texts, link_chars, collapsed=True))
