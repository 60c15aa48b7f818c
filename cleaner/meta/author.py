"""The article's authors, as a "; "-joined string of names.

Sources, in order of trust (the first that yields a name wins):

1. JSON-LD ``author`` of the article object (``@graph``, lists, ``@id`` references
   resolved), else of any object;
2. ``<meta>`` tags: ``author``, ``article:author``, ``citation_author`` (one tag per
   author), ``parsely-author``, ``sailthru.author``, Dublin Core ``creator``; then the
   link-preview pair ``twitter:label1`` "Written by" / ``twitter:data1`` "Ann Lee";
3. author markup in the page: ``rel="author"`` links, ``itemprop="author"`` elements (those
   of the page's first item only: on a forum page the later ones are the replies'), then
   the ``author``/``data-author`` attribute of the first element holding one (a forum's
   first post);
4. the byline: the first element after the headline whose class or id says ``byline``,
   ``author``, ``writer`` or ``contributor``, or whose class says ``username`` (a forum
   post's; not a comment's or a review's, not in a form), with its "By"/"Author:"
   prefix and what follows the names ("| Updated Dec. 3") cut off;
5. the byline as shown, unmarked: a line starting "By", "Von", "Par" or "Por" just after
   the headline.

A name is never a url, an e-mail address, a handle (``@name``), a date ("Updated
January") or a label ("Full Bio", "Topic Author"); a "name" of more than a few words, or
with lower-case words other than particles ("Peter says"), is a sentence, not a name. A
credential or an agency after a comma ("Ann Lee, MD", "Clare Duffy, CNN") is not a second
author. A single word with digits ("paulb203") is a user name, taken from the markup that
declares it an author, never from free text ("2 min read").

The site's own name is an author only when no source names anyone else: publishers
declare themselves as the author of pages a person signed, but a company blog post
signed "Supermove" on supermove.com is by Supermove, and a personal site is named after
its author.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any

import lxml.etree

from cleaner.meta.date import text_dates
from cleaner.meta.names import (
    BY_PREFIX,
    clean_name,
    split_names,
    whole_name,
)
from cleaner.meta.page import (
    ARTICLE_TYPES,
    MIN_SITE_NAME_LETTERS,
    PageMeta,
    in_aside,
    squash,
    visible_text,
)

# Authors kept: a research or investigative piece credits up to a dozen; a page with more
# "authors" lists its newsroom or the authors of its reviews.
MAX_AUTHORS = 12
# A byline element's text longer than this is a bio box, not a byline: a few names, a date,
# a role and a reading time fit in 200 characters.
MAX_BYLINE_CHARS = 200
# Byline elements looked at after the headline: the article's byline is among the first few
# marked ones; further down they are related articles' bylines and author boxes.
MAX_BYLINE_ELEMENTS = 8
# Lines after the headline read for a name beside the dateline: the standfirst, the name,
# the date and a reading time come first on the pages looked at.
DATELINE_LINES = 4
# Link-preview label pairs read (twitter:label1/data1...): Yoast writes two ("Written by",
# "Est. reading time"); other plugins up to four.
MAX_PREVIEW_LABELS = 4
# JSON-LD nesting followed for a name: a list of Person objects whose name is a list or a
# {"@value": ...} object is three levels deep; deeper is not an author field.
MAX_LD_NAME_DEPTH = 3

AUTHOR_META = (
    "author",
    "article:author",
    "citation_author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
)
# Labels of a link preview's data naming the author.
_AUTHOR_LABELS = frozenset({"written by", "author", "authors", "by"})
# Tags holding one author each, written "Family, Given" by scholarly publishers.
ONE_NAME_META = frozenset({"citation_author", "dc.creator", "dcterms.creator"})
# A line of the page starting with a byline's prefix ("By Ann Lee", "Von Anna Schmidt"),
# read in the text shown after the headline when no element is marked as the byline.
_SHOWN_BYLINE = re.compile(
    r"^(?:(?:written|words|reporting|text|story|posted)\s+)?(?:by|von|par|por)\s+\S", re.IGNORECASE
)
# Words that end a byline's names and start its other parts ("By Ann Lee Updated ...").
_BYLINE_END = re.compile(
    r"\s(?:(?:updated|published|posted|on|in|for|at|from)\b|\d|[|•·⋅∙●—–]|-\s"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)",
    re.IGNORECASE,
)
# Class or id words of a byline element ("authorization", "authorized" are not).
BYLINE_MARKS = re.compile(r"byline|author(?!i[sz])|writer|contributor", re.IGNORECASE)
# ...and the class of a post's user name on a forum (phpBB's "username", vBulletin's
# "bigusername"): a class only, an id holding "username" is a slug ("configure-runasusername").
USER_NAME_CLASS = re.compile(r"username", re.IGNORECASE)
# A comment's or a customer review's author is not the page's.
_COMMENTS = re.compile(r"comment|respond|reply|review|testimonial", re.IGNORECASE)
_NOT_BYLINE_TAGS = frozenset({"script", "style", "meta", "link"})
# A heading inside an element: one search by libxml2.
_HEADING = lxml.etree.XPath("descendant::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1]")
# The parts of a dateline's line: "Dec 26, 2025 • Ann Lee in Health", "Ann Lee | 3 min read".
_DATELINE_PARTS = re.compile(r"\s*[|•·⋅∙●]\s*")
# The author attributes of elements (forum posts), found by libxml2 in page order; the
# element is the attribute's parent. Searching the attributes costs libxml2 a quarter of
# what searching the elements that have them does (callgrind, 60 devdata pages).
_AUTHOR_ATTRIBUTES = lxml.etree.XPath("//@author | //@data-author")
# The part of a byline box holding the name: its class says so ("author-name", "byline__name").
_NAME_PART = lxml.etree.XPath("descendant::*[contains(translate(@class, 'NAME', 'name'), 'name')][1]")
# The itemprop attributes of elements, found by libxml2 rather than a Python loop over every
# element (attributes rather than elements again: a third of the cost).
_ITEMPROPS = lxml.etree.XPath("descendant-or-self::*/@itemprop")


def is_site_name(name: str, site: set[str]) -> bool:
    """Tell whether ``name`` is the site's (one of the squashed names of ``site``), or holds one of them."""
    squashed = squash(name)
    return any(squashed == s or (len(s) >= MIN_SITE_NAME_LETTERS and s in squashed) for s in site)


def join_names(names: Iterable[str]) -> str | None:
    """The distinct names (case-insensitive), joined by "; "; None when there are none."""
    seen: dict[str, str] = {}
    for name in names:
        squashed = squash(name)
        if squashed and squashed not in seen:
            seen[squashed] = name
    kept = list(seen.values())[:MAX_AUTHORS]
    return "; ".join(kept) or None


def ld_author_names(page: PageMeta) -> list[str]:
    """The names in the JSON-LD ``author`` of the article object (other objects after)."""
    by_id = {obj["@id"]: obj for obj in page.json_ld if isinstance(obj.get("@id"), str)}
    for types in (ARTICLE_TYPES, None):
        for value in page.ld_values("author", types):
            names = _ld_names(value, by_id)
            if names:
                return names
    return []


def _ld_names(value: Any, by_id: dict[str, dict[str, Any]], depth: int = 0) -> list[str]:
    """The names in one JSON-LD author value: a string, a Person/Organization (or an ``@id`` to one), a list."""
    if depth > MAX_LD_NAME_DEPTH:
        return []
    if isinstance(value, str):
        return split_names(value, declared=True)
    if isinstance(value, list):
        people: list[str] = []
        for item in value:
            people.extend(_ld_names(item, by_id, depth + 1))
        return people
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str) and value["@id"] in by_id:
            value = by_id[value["@id"]]
        name = value.get("name")
        if isinstance(name, list):
            return _ld_names(name, by_id, depth + 1)
        if isinstance(name, dict):
            name = name.get("@value")
        if not isinstance(name, str):
            given, family = value.get("givenName"), value.get("familyName")
            name = f"{given} {family}" if isinstance(given, str) and isinstance(family, str) else None
        return split_names(name, declared=True) if isinstance(name, str) else []
    return []


def meta_author_names(page: PageMeta) -> tuple[list[str], str | None]:
    """The names in the first author ``<meta>`` tag name present (every tag of that name)."""
    for name in AUTHOR_META:
        values = page.meta.get(name, ())
        if name in ONE_NAME_META:  # one tag per author, often "Family, Given": no splitting
            names = [n for value in values if (n := clean_name(value, declared=True))]
        else:
            names = [n for value in values for n in split_names(value, declared=True)]
        if names:
            return names, f"meta:{name}"
    return label_author_names(page)


def label_author_names(page: PageMeta) -> tuple[list[str], str | None]:
    """The names of a link preview's "Written by" pair (``twitter:label1``/``twitter:data1``), as Yoast writes it."""
    for number in range(1, MAX_PREVIEW_LABELS + 1):
        label = page.first(f"twitter:label{number}")
        data = page.first(f"twitter:data{number}")
        if label and data and label[1].casefold().rstrip(" :") in _AUTHOR_LABELS:
            names = split_names(data[1], declared=True)
            if names:
                return names, f"meta:twitter:data{number}"
    return [], None


def markup_author_names(page: PageMeta) -> tuple[list[str], str | None]:
    """Names in ``rel="author"`` links, then in the ``itemprop="author"`` elements of the page's first item.

    The item of an element is its nearest ``itemscope`` ancestor. A forum thread's
    replies, a page's comments or reviews are items of their own, each with an author:
    only those of the first item met (the thread, the article) are its authors.
    """
    names = []
    for link in page.rel_links("author"):
        if link.tag == "a":
            found = clean_name(visible_text(link), declared=True)
            if found:
                names.append(found)
    if names:
        return names, "rel=author"
    first_item: Any = None
    for itemprop in _ITEMPROPS(page.tree):
        if "author" not in itemprop.lower().split():
            continue
        element = itemprop.getparent()
        item = next((a for a in element.iterancestors() if a.get("itemscope") is not None), None)
        if names and item is not first_item:
            continue
        inner = next((el for el in element.iter() if (el.get("itemprop") or "").lower() == "name"), None)
        target = inner if inner is not None else element
        value = target.get("content") if target.tag == "meta" else visible_text(target)
        item_names = split_names(value or "", declared=True)
        if item_names and not names:
            first_item = item
        names.extend(item_names)
    return names, "itemprop=author" if names else None


def attribute_author_names(page: PageMeta) -> tuple[list[str], str | None]:
    """Names in the ``author`` or ``data-author`` attribute of the first element carrying one.

    Forum and discussion software marks each post's element with its author
    (``<article data-author="ann_lee">``, ``<shreddit-post author="ann_lee">``); the first
    post is the thread's, the others are replies. Elements in teasers, comments, nav or
    footer (:func:`cleaner.meta.page.is_aside`) are skipped.
    """
    for attribute in _AUTHOR_ATTRIBUTES(page.tree):
        element = attribute.getparent()
        if in_aside(element):
            continue
        value = element.get("author") or element.get("data-author")
        names = split_names(value or "", declared=True)
        if names:
            return names, "attribute:author"
        return [], None
    return [], None


def elements_after(tree: Any, headline: Any | None) -> Iterator[Any]:
    """The elements after ``headline`` in page order (its own descendants first); all of ``tree``'s without one.

    Lazy: a byline is usually a few elements after the headline, and the reading stops
    there. lxml's iterators are chained in C, not passed on element by element.
    """
    if headline is None:
        return tree.iter(lxml.etree.Element)
    return itertools.chain(
        headline.iterdescendants(lxml.etree.Element),
        itertools.chain.from_iterable(sibling.iter(lxml.etree.Element) for sibling in _following_siblings(headline)),
    )


def _following_siblings(node: Any) -> Iterator[Any]:
    """The elements after ``node`` beside it, then those after its parent beside that, up to the root."""
    while node is not None:
        yield from node.itersiblings(lxml.etree.Element)
        node = node.getparent()


def byline_names(tree: Any, headline: Any | None) -> list[str]:
    """Names in the first byline element (class/id ``byline``, ``author``...) after the headline."""
    looked = 0
    for element in elements_after(tree, headline):
        css, ident = element.get("class"), element.get("id")
        if css is None and ident is None:
            continue
        marks = f"{css or ''} {ident or ''}"
        if not may_be_marked(marks):
            continue
        # A comment's author ("Peter says"), a review's or a comment form's "Name" field is not the byline.
        if (
            not (BYLINE_MARKS.search(marks) or USER_NAME_CLASS.search(css or ""))
            or element.tag in _NOT_BYLINE_TAGS
            or _COMMENTS.search(marks)
            or next(element.iterancestors("form"), None) is not None
        ):
            continue
        looked += 1
        if looked > MAX_BYLINE_ELEMENTS:
            break
        # In an "author" box, the part whose class says it is the name ("author-name") is the
        # name; else a heading it holds; when that is not a name, the box is a teaser card
        # (another article's title, author and date).
        part = _NAME_PART(element) or _HEADING(element)
        text = " ".join(visible_text(part[0] if part else element).split())
        if len(text) > MAX_BYLINE_CHARS:
            # A bio box ("Ann Lee / Ann Lee is a reporter who..."): its first text is the name.
            text = _first_text(element)
            if not whole_name(text):
                continue
        if not text:
            continue
        cut = _BYLINE_END.search(BY_PREFIX.sub("", text))
        names = split_names(BY_PREFIX.sub("", text)[: cut.start()] if cut else BY_PREFIX.sub("", text))
        if names:
            return names
    return []


def may_be_marked(marks: str) -> bool:
    """Tell whether an element's class and id (``marks``) may mark a byline; False only when they cannot.

    A quick test before the regexes of :func:`byline_names` (:data:`BYLINE_MARKS`,
    :data:`USER_NAME_CLASS`), which would otherwise run on every element after the headline:
    a substring test costs a tenth of them. ASCII marks must hold one of "author", "byline",
    "writer", "contributor" and "username" in some case. Other marks are left to the
    regexes: under IGNORECASE, "ı" and "İ" match "i" and "ſ" matches "s". The words are a
    chain of ``in`` tests (a loop over them costs twice as much).
    """
    if not marks.isascii():
        return True
    lowered = marks.lower()
    return (
        "author" in lowered
        or "byline" in lowered
        or "writer" in lowered
        or "contributor" in lowered
        or "username" in lowered
    )


def _first_text(element: Any) -> str:
    """The text of the first element inside ``element`` that holds text of its own, white space folded."""
    for node in element.iter(lxml.etree.Element):
        if node.tag not in _NOT_BYLINE_TAGS and (node.text or "").strip():
            return " ".join(node.text.split())
    return ""


def shown_byline_names(page: PageMeta, headline: Any | None) -> list[str]:
    """Names in the first line shown after the headline that starts like a byline ("By Ann Lee | Dec. 3").

    Only names written with a capital count: "By the end of the year" is no byline.
    """
    if headline is None:
        return []
    for line in page.around(headline)[1].split("\n"):
        text = " ".join(line.split())
        if len(text) > MAX_BYLINE_CHARS or not _SHOWN_BYLINE.match(text):
            continue
        rest = BY_PREFIX.sub("", text)
        cut = _BYLINE_END.search(rest)
        names = [n for n in split_names(rest[: cut.start()] if cut else rest) if n[0].isupper()]
        if names:
            return names
    return []


def dateline_names(page: PageMeta, headline: Any | None) -> list[str]:
    """A name shown beside the dateline with no "By": "Ann Lee" above "Dec. 3, 2023", "Dec 3, 2023 • Ann Lee".

    Read in the first :data:`DATELINE_LINES` lines after the headline: the parts of the
    dateline's own line (cut at bullets and bars), then the line before it and the line
    after. A part counts only when it is a whole name of two to four capitalised words, no
    comma ("Project Management", a section, is one too: it comes after the name on a line
    of its own, and is read last). A teaser's title in title case above its date ("Our
    Agent Architecture" on a listing page) passes for a name: this source comes last, after
    every source the markup declares. On wcxb-dev it names the gold author on 3 pages and
    gives a wrong one on 1 of the 657 pages without one.
    """
    if headline is None:
        return []
    lines = [text for line in page.around(headline)[1].split("\n") if (text := " ".join(line.split()))]
    lines = lines[:DATELINE_LINES]
    for i, line in enumerate(lines):
        if len(line) > MAX_BYLINE_CHARS or not text_dates(line):
            continue
        parts = _DATELINE_PARTS.split(line) + [lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
        for part in parts:
            if len(part) > MAX_BYLINE_CHARS or text_dates(part):
                continue
            cut = _BYLINE_END.search(part)
            name = clean_name(part[: cut.start()] if cut else part)
            if name and whole_name(name):
                return [name]
    return []


def author_sources(page: PageMeta, headline: Any | None) -> Iterator[tuple[list[str], str]]:
    """The names each source gives, with the source's name, in order of trust (read only when asked)."""
    yield ld_author_names(page), "json-ld:author"
    for reader in (meta_author_names, markup_author_names, attribute_author_names):
        names, source = reader(page)
        if names and source:
            yield names, source
    yield byline_names(page.tree, headline), "byline"
    yield shown_byline_names(page, headline), "byline:shown"
    yield dateline_names(page, headline), "byline:dateline"


def find_author(page: PageMeta, site: set[str], headline: Any | None) -> tuple[str | None, str | None]:
    """The authors ("; "-joined) and the source they came from, or ``(None, None)``.

    The first source naming someone other than the site wins; the site's own name only
    when no source names anyone else (see the module docstring).
    """
    fallback: tuple[str | None, str | None] = (None, None)
    for names, source in author_sources(page, headline):
        people = [name for name in names if not is_site_name(name, site)]
        if people:
            return join_names(people), source
        if names and fallback[0] is None:
            fallback = (join_names(names), source)
    return fallback
