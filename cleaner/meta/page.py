"""The parts of a page every metadata reader looks at, read once per page.

:class:`PageMeta` holds the ``<meta>`` tags (every value of a repeated name, in page
order), the JSON-LD objects (``@graph`` and lists flattened), the url and the tree.
:func:`visible_text` reads an element as a reader sees it (no script or style);
:func:`key` folds a string for comparisons between sources.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.etree

_WHITESPACE = re.compile(r"\s+")
_WORDS = re.compile(r"\w+")
# Text inside these elements is never shown to a reader.
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "button"})
# Elements shown on lines of their own: their text is separated from the text around them
# by a line break ("<p>By Ann Lee</p><p>Dec. 3, 2023</p>" reads "By Ann Lee\nDec. 3, 2023",
# not "...LeeDec.").
LINE_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
# A JSON-LD block larger than this is a data dump (product catalogues, whole feeds), not
# the description of one page; parsing it would cost more than the page itself.
MAX_JSON_LD_CHARS = 500_000
# JSON-LD nests objects; pages seen nest four or five levels. Deeper is a data dump.
MAX_JSON_LD_DEPTH = 8
# A site's name shorter than this many letters ("ap", "ign") is inside too many words
# ("map", "design") to say a title segment or an author names the site; it must match whole.
MIN_SITE_NAME_LETTERS = 4
# Elements, and class or id words, of the parts of a page around the article: a date or an
# author read there is another article's (a teaser), a commenter's, or the site's.
_ASIDE_TAGS = frozenset({"nav", "footer"})
_ASIDE_MARKS = re.compile(
    r"related|recommend|teaser|more-stories|read-next|popular|trending|comment|footer", re.IGNORECASE
)
# Characters of visible text after the headline read for its dateline and byline: the
# standfirst, byline and date fit in 600 characters on the news pages looked at; further
# down, dates are in the article's text. (On andythefactory-news2023, 400 to 900 give the
# same dates, 300 loses one.)
AFTER_HEADLINE = 600
# ...and before it: some pages put the date above the headline, with the section name
# (50 to 300 give the same andythefactory dates).
BEFORE_HEADLINE = 150
# The elements the readers look at, gathered in one walk of the tree: libxml2 matches the
# tags, and one walk for all of them costs about what the walk for one tag does (it
# replaced seven walks and an XPath search). <a> and <link> are kept when they have a rel.
GATHERED_TAGS = ("meta", "script", "title", "body", "h1", "h2", "h3", "time", "a", "link")
_REL_TAGS = frozenset({"a", "link"})
# Some sites wrap the JSON in an HTML comment or CDATA section.
_JSON_WRAPPER = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


def clean_space(value: Any) -> str | None:
    """``value`` with entities decoded and runs of white space made one space; None if empty or not a string."""
    if not isinstance(value, str):
        return None
    if "&" in value:  # some CMSs escape twice: "&amp;reg;" arrives as "&reg;" after parsing
        value = html.unescape(value)
    text = _WHITESPACE.sub(" ", value.replace("\u00ad", "")).strip()
    return text or None


def key(value: str | None) -> str:
    """A comparison key: NFKC, case-folded, only the words (punctuation, quotes, dashes dropped)."""
    if not value:
        return ""
    return " ".join(_WORDS.findall(unicodedata.normalize("NFKC", value).casefold()))


def squash(value: str | None) -> str:
    """The letters and digits of ``value``, case-folded, nothing else (``Walmart.com`` -> ``walmartcom``)."""
    return "".join(_WORDS.findall(key(value))).replace("_", "")


def visible_text(element: Any) -> str:
    """The text of ``element`` as shown: script, style and similar content left out."""
    if not len(element):  # no children: most headings, links and names
        return "" if _hidden(element) else element.text or ""
    return "".join(text_pieces(element))


def _hidden(node: Any) -> bool:
    """Tell whether ``node``'s text is never shown: a script, style... or a comment."""
    return not isinstance(node.tag, str) or node.tag in _HIDDEN_TAGS


def text_pieces(element: Any, *, skip_asides: bool = False) -> Iterator[str]:
    """The visible text of ``element`` (not its tail), piece by piece in page order.

    A generator, so a reader needing the first few hundred characters of a large element
    stops there. ``skip_asides``: leave out the elements inside it that are not the
    article's (:func:`is_aside`).
    """
    if _hidden(element):
        return
    # Comments and processing instructions come as their own events, with no "end": the
    # text after one (its tail) is read there.
    walker = lxml.etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if event == "start":
            if _hidden(node) or (skip_asides and node is not element and is_aside(node)):
                walker.skip_subtree()
                continue
            if node.tag in LINE_TAGS:
                yield "\n"
            if node.text:
                yield node.text
        elif node is not element:
            if node.tag in LINE_TAGS:
                yield "\n"
            if node.tail:
                yield node.tail


def text_pieces_backward(element: Any, *, skip_asides: bool = False) -> Iterator[str]:
    """The pieces of :func:`text_pieces` in reverse order, last first (each piece as is)."""
    stack: list[Any] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
            continue
        if _hidden(item) or (skip_asides and item is not element and is_aside(item)):
            continue
        # The pieces of ``item`` in page order are pushed so that the last is popped first.
        block = item.tag in LINE_TAGS
        if block:
            stack.append("\n")
        if item.text:
            stack.append(item.text)
        for child in item:
            stack.append(child)
            if child.tail:
                stack.append(child.tail)
        if block and item is not element:
            stack.append("\n")


def is_aside(node: Any) -> bool:
    """Tell whether ``node`` is a part of the page that is not the article.

    That is: related or recommended teasers, comments, nav or footer (by tag, class or id),
    or the site's ``<header>`` (no headline in it, not inside the article).
    """
    if node.tag in _ASIDE_TAGS or (node.tag == "header" and _site_header(node)):
        return True
    marks = f"{node.get('class') or ''} {node.get('id') or ''}"
    return marks != " " and _ASIDE_MARKS.search(marks) is not None


def _site_header(header: Any) -> bool:
    """Tell whether a ``<header>`` is the site's: no h1 in it, and not inside an ``<article>`` or ``<main>``."""
    return next(header.iter("h1"), None) is None and next(header.iterancestors("article", "main"), None) is None


def in_aside(element: Any) -> bool:
    """Tell whether ``element`` sits inside a part of the page that is not the article (:func:`is_aside`).

    The classes of ``<body>`` and ``<html>`` describe the whole page and are not read.
    """
    for node in element.iterancestors():
        if node.tag in ("body", "html"):
            return False
        if is_aside(node):
            return True
    return False


def around_headline(headline: Any) -> tuple[str, str]:
    """The text shown just before and just after ``headline``: ``(before, after)``, one line a line.

    Teasers, comments, nav, footers and the site's header are left out (:func:`is_aside`):
    a date or a byline read there is not the article's.

    A line ends where a block element (:data:`LINE_TAGS`) does, and where the page's source
    breaks a line.

    At most about :data:`BEFORE_HEADLINE` characters before it (the nearest ones) and
    :data:`AFTER_HEADLINE` after it, counted without white space. The text is that of the
    headline's smallest ancestor holding more than :data:`AFTER_HEADLINE` characters after
    it, read outwards from the headline, sibling by sibling and level by level, and only
    as far as needed: the whole container (often the body) is never read.
    """
    before: list[str] = []  # the text before the headline, nearest piece first
    after: list[str] = []  # the text after it, in page order
    before_size = after_size = 0  # their lengths without white space
    node = headline
    while after_size <= AFTER_HEADLINE and node.tag != "body" and node.getparent() is not None:
        if before_size <= BEFORE_HEADLINE:
            for piece in _pieces_before(node):
                before.append(piece)
                before_size += _solid_size(piece)
                if before_size > BEFORE_HEADLINE:
                    break
        for piece in _pieces_after(node):
            after.append(piece)
            after_size += _solid_size(piece)
            if after_size > AFTER_HEADLINE:
                break
        node = node.getparent()
    return "".join(reversed(before)), "".join(after)


def _solid_size(piece: str) -> int:
    """The characters of ``piece`` other than white space: a lower bound of what it adds once folded."""
    return len("".join(piece.split()))


def _pieces_before(node: Any) -> Iterator[str]:
    """The visible text before ``node`` inside its parent, nearest piece first."""
    for sibling in node.itersiblings(preceding=True):
        if sibling.tail:
            yield sibling.tail
        if not is_aside(sibling):
            yield from text_pieces_backward(sibling, skip_asides=True)
    parent = node.getparent()
    if parent.text:
        yield parent.text


def _pieces_after(node: Any) -> Iterator[str]:
    """The visible text after ``node`` inside its parent, in page order."""
    if node.tail:
        yield node.tail
    for sibling in node.itersiblings():
        if not is_aside(sibling):
            yield from text_pieces(sibling, skip_asides=True)
        if sibling.tail:
            yield sibling.tail


@dataclass(slots=True)
class PageMeta:
    """The metadata-bearing parts of one parsed page."""

    tree: Any
    url: str | None
    meta: dict[str, list[str]] = field(default_factory=dict)
    json_ld: list[dict[str, Any]] = field(default_factory=list)
    _tagged: dict[str, list[Any]] = field(default_factory=dict)
    _rel_elements: list[Any] = field(default_factory=list)
    _around: tuple[Any, tuple[str, str]] | None = None

    @classmethod
    def read(cls, tree: Any, url: str | None) -> PageMeta:
        """Collect the ``<meta>`` tags and JSON-LD objects of ``tree``, and its elements of :data:`GATHERED_TAGS`."""
        page = cls(tree=tree, url=url)
        tagged: dict[str, list[Any]] = {tag: [] for tag in GATHERED_TAGS if tag not in _REL_TAGS}
        for element in tree.iter(*GATHERED_TAGS):
            tag = element.tag
            if tag in _REL_TAGS:
                if element.get("rel") is not None:
                    page._rel_elements.append(element)
            else:
                tagged[tag].append(element)
        page._tagged = tagged
        for meta in tagged["meta"]:
            name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
            content = clean_space(meta.get("content"))
            if name and content:
                page.meta.setdefault(name, []).append(content)
        for script in tagged["script"]:
            if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
                page.json_ld.extend(_json_ld_objects(script.text))
        return page

    def tagged(self, tag: str) -> list[Any]:
        """The elements of ``tag`` (one of :data:`GATHERED_TAGS` but ``a`` and ``link``), in page order."""
        return self._tagged[tag]

    def first_tagged(self, tag: str) -> Any:
        """The first element of ``tag`` (see :meth:`tagged`), or None."""
        found = self._tagged[tag]
        return found[0] if found else None

    def first(self, *names: str) -> tuple[str, str] | None:
        """The first ``<meta>`` value among ``names`` (in that order of preference), with its name."""
        for name in names:
            values = self.meta.get(name)
            if values:
                return name, values[0]
        return None

    def rel_links(self, token: str) -> list[Any]:
        """The ``<a>`` and ``<link>`` elements whose ``rel`` has ``token`` (``author``, ``license``), in page order."""
        return [el for el in self._rel_elements if token in el.get("rel").lower().split()]

    def around(self, headline: Any) -> tuple[str, str]:
        """:func:`around_headline` of ``headline``, read once for the date and the author readers."""
        if self._around is None or self._around[0] is not headline:
            self._around = (headline, around_headline(headline))
        return self._around[1]

    def declares_article(self) -> bool:
        """Tell whether the page says it is an article: ``og:type`` "article", or a JSON-LD article object."""
        og_type = self.first("og:type")
        if og_type and og_type[1].strip().lower() == "article":
            return True
        return any(ld_types(obj) & ARTICLE_TYPES for obj in self.json_ld)

    def ld_values(self, prop: str, types: frozenset[str] | None = None) -> Iterator[Any]:
        """The values of ``prop`` in the JSON-LD objects (only objects of ``types`` when given)."""
        for obj in self.json_ld:
            if prop in obj and (types is None or ld_types(obj) & types):
                yield obj[prop]


def ld_types(obj: dict[str, Any]) -> set[str]:
    """The ``@type`` names of a JSON-LD object (a string or a list of strings)."""
    value = obj.get("@type")
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def _json_ld_objects(text: str) -> list[dict[str, Any]]:
    """Every object of one JSON-LD script, nested ones included; [] when it is not valid JSON."""
    if len(text) > MAX_JSON_LD_CHARS:
        return []
    try:
        data = json.loads(_JSON_WRAPPER.sub("", text), strict=False)  # strict=False: raw newlines in strings
    except ValueError:
        return []
    objects: list[dict[str, Any]] = []
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_LD_DEPTH:
            continue
        if isinstance(item, list):
            stack.extend((x, depth + 1) for x in reversed(item))
        elif isinstance(item, dict):
            objects.append(item)
            for name in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                if isinstance(item.get(name), (list, dict)):
                    stack.append((item[name], depth + 1))
    return objects


# schema.org types whose headline, author and dates are the page's own (not those of a
# site, an organisation, a video embedded in it or a list of other articles).
ARTICLE_TYPES: frozenset[str] = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "BackgroundNewsArticle",
        "AskPublicNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "DiscussionForumPosting",
        "ScholarlyArticle",
        "TechArticle",
        "Report",
        "Review",
        "Recipe",
        "HowTo",
        "CreativeWork",
    }
)
