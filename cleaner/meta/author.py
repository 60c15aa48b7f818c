"""The article's authors, as a "; "-joined string of names.

Sources, in order of trust (the first that yields a name wins):

1. JSON-LD ``author`` of the article object (``@graph``, lists, ``@id`` references
   resolved), else of any object;
2. ``<meta>`` tags: ``author``, ``article:author``, ``citation_author`` (one tag per
   author), ``parsely-author``, ``sailthru.author``, Dublin Core ``creator``;
3. author markup in the page: ``rel="author"`` links, ``itemprop="author"`` elements;
4. the byline: the first element after the headline whose class or id says ``byline``,
   ``author``, ``writer`` or ``contributor`` (not a comment's, not in a form), with its
   "By"/"Author:" prefix and what follows the names ("| Updated Dec. 3") cut off.

A name is never a url, an e-mail address, a handle (``@name``) or the site's own name; a
"name" of more than a few words, or with lower-case words other than particles ("Peter
says"), is a sentence, not a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import lxml.etree

from cleaner.meta.page import ARTICLE_TYPES, MIN_SITE_NAME_LETTERS, PageMeta, clean_space, squash, visible_text

# Names longer than this many words are sentences or job titles, not names: Spanish and
# Portuguese names run to six ("Maria de los Angeles Garcia Lopez"); on the devdata pages
# 99% of the names found have at most four.
MAX_NAME_WORDS = 6
# A single name is at most this long (six long words); "names" beyond are paragraphs.
MAX_NAME_CHARS = 80
# A lower-case word inside a name is a particle: "de", "van", "von", "bin", "al" have at
# most three letters; a longer one ("says", "written") is a word of a sentence.
MAX_PARTICLE_CHARS = 3
# Authors kept: a research or investigative piece credits up to a dozen; a page with more
# "authors" lists its newsroom or the authors of its reviews.
MAX_AUTHORS = 12
# A byline element's text longer than this is a bio box, not a byline: a few names, a date,
# a role and a reading time fit in 200 characters.
MAX_BYLINE_CHARS = 200
# Byline elements looked at after the headline: the article's byline is among the first few
# marked ones; further down they are related articles' bylines and author boxes.
MAX_BYLINE_ELEMENTS = 8
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
# Tags holding one author each, written "Family, Given" by scholarly publishers.
ONE_NAME_META = frozenset({"citation_author", "dc.creator", "dcterms.creator"})
_URLISH = re.compile(r"^(?:https?:|www\.)|\.(?:com|org|net|co\.uk)\b|/|@\w|\w@\w", re.IGNORECASE)
# "By Ann Lee", "Written by Ann Lee", "View all posts by Ann Lee": a few words, then "by";
# or a label: "Author: Ann Lee", "Autorin: Ann Lee", "Auteur : Ann Lee".
_BY = re.compile(
    r"^\s*(?:(?:[^\W\d]+\s+){0,4}?by[:\s]+|(?:authors?|autor(?:in|es)?|auteur|autore)\s*:\s*)", re.IGNORECASE
)
# Characters no name holds: form labels ("Name *", "Name (required)"), anchors, exclamations.
_NOT_IN_NAMES = re.compile(r"[*()\[\]{}<>#=+!?:\\]")
# Between names: "Ann Lee and Bo Chan", "Ann Lee, Bo Chan & Cy Doe", "Ann Lee; Bo Chan".
_NAME_SEPARATORS = re.compile(r"\s*(?:;|,|\s&\s|\band\b|\bund\b|\bet\b|\by\b|\|)\s*", re.IGNORECASE)
# Words that end a byline's names and start its other parts ("By Ann Lee Updated ...").
_BYLINE_END = re.compile(r"\s(?:updated|published|posted|on|in|for|at|from|\d|\||•|·|—|–|-\s)", re.IGNORECASE)
_MARKED = re.compile(r"byline|author|writer|contributor", re.IGNORECASE)
_COMMENTS = re.compile(r"comment|respond|reply", re.IGNORECASE)
_NOT_BYLINE_TAGS = frozenset({"script", "style", "meta", "link"})
# Elements with an itemprop, found by libxml2 rather than a Python loop over every element.
_ITEMPROP = lxml.etree.XPath("descendant-or-self::*[@itemprop]")
# A parenthesised part of a name is a role or a nickname: "James Clear (Author)", "Richard (R.J.) Eskow".
_PARENTHESES = re.compile(r"\s*\([^()]*\)")


def clean_name(value: Any) -> str | None:
    """A person's name as shown, or None when ``value`` is not a plausible name."""
    text = clean_space(value) if isinstance(value, str) else None
    if text and "(" in text:
        text = clean_space(_PARENTHESES.sub("", text))
    if not text:
        return None
    text = _BY.sub("", text).strip(" ,;:|-–—·•")
    if not text or len(text) > MAX_NAME_CHARS or _URLISH.search(text) or _NOT_IN_NAMES.search(text):
        return None
    words = text.split()
    # Names start with a letter and hold no digits ("+55 more", "2 min read" are not names).
    if len(words) > MAX_NAME_WORDS or not text[0].isalpha() or any(ch.isdigit() for ch in text):
        return None
    return text if _cased_like_a_name(text, words) else None


def _cased_like_a_name(text: str, words: list[str]) -> bool:
    """Tell whether the words of ``text`` are capitalised as a name's are.

    In a name written in mixed case, a word starting in lower case is a particle ("van",
    "de", "bin") and does not end the name, unless it is written "Family, Given de".
    "Ann Lee has written about cities", "Peter says", "Published on" are not names. Text
    all in one case (a meta tag in lower case, a script without case) is not judged.
    """
    if text == text.lower() or text == text.upper():
        return True
    last = len(words) - 1
    for i, word in enumerate(words):
        if word[0].islower() and (len(word) > MAX_PARTICLE_CHARS or (i == last and "," not in text)):
            return False
    return True


def split_names(text: str) -> list[str]:
    """The names in one author string ("Ann Lee and Bo Chan" -> two names)."""
    text = _BY.sub("", clean_space(text) or "")
    if "(" in text:  # before splitting: "Ann Lee (with Bo Chan, Cy Doe)" is one name and a remark
        text = _PARENTHESES.sub("", text)
    return [name for part in _NAME_SEPARATORS.split(text) if (name := clean_name(part))]


def join_names(names: Iterable[str], site: set[str]) -> str | None:
    """The distinct names (case-insensitive), without the site's own name, joined by "; "."""
    seen: dict[str, str] = {}
    for name in names:
        squashed = squash(name)
        if (
            squashed
            and squashed not in seen
            and not any(squashed == s or (len(s) >= MIN_SITE_NAME_LETTERS and s in squashed) for s in site)
        ):
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
        return split_names(value)
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
        return split_names(name) if isinstance(name, str) else []
    return []


def meta_author_names(page: PageMeta) -> tuple[list[str], str | None]:
    """The names in the first author ``<meta>`` tag name present (every tag of that name)."""
    for name in AUTHOR_META:
        values = page.meta.get(name, ())
        if name in ONE_NAME_META:  # one tag per author, often "Family, Given": no splitting
            names = [n for value in values if (n := clean_name(value))]
        else:
            names = [n for value in values for n in split_names(value)]
        if names:
            return names, f"meta:{name}"
    return [], None


def markup_author_names(page: PageMeta) -> tuple[list[str], str | None]:
    """Names in ``rel="author"`` links, then in ``itemprop="author"`` elements."""
    names = []
    for link in page.rel_links("author"):
        if link.tag == "a":
            found = clean_name(visible_text(link))
            if found:
                names.append(found)
    if names:
        return names, "rel=author"
    for element in _ITEMPROP(page.tree):
        if "author" not in element.get("itemprop").lower().split():
            continue
        inner = next((el for el in element.iter() if (el.get("itemprop") or "").lower() == "name"), None)
        target = inner if inner is not None else element
        value = target.get("content") if target.tag == "meta" else visible_text(target)
        names.extend(split_names(value or ""))
    return names, "itemprop=author" if names else None


def elements_after(tree: Any, headline: Any | None) -> Iterator[Any]:
    """The elements after ``headline`` in page order (its own descendants first); all of ``tree``'s without one.

    A generator: a byline is usually a few elements after the headline, and the reading
    stops there.
    """
    if headline is None:
        yield from tree.iter(lxml.etree.Element)
        return
    yield from headline.iterdescendants(lxml.etree.Element)
    node = headline
    while node is not None:
        for sibling in node.itersiblings(lxml.etree.Element):
            yield from sibling.iter(lxml.etree.Element)
        node = node.getparent()


def byline_names(tree: Any, headline: Any | None) -> list[str]:
    """Names in the first byline element (class/id ``byline``, ``author``...) after the headline."""
    looked = 0
    for element in elements_after(tree, headline):
        css, ident = element.get("class"), element.get("id")
        if css is None and ident is None:
            continue
        marks = f"{css or ''} {ident or ''}"
        # A comment's author ("Peter says") or a comment form's "Name" field is not the byline.
        if (
            not _MARKED.search(marks)
            or element.tag in _NOT_BYLINE_TAGS
            or _COMMENTS.search(marks)
            or next(element.iterancestors("form"), None) is not None
        ):
            continue
        looked += 1
        if looked > MAX_BYLINE_ELEMENTS:
            break
        text = " ".join(visible_text(element).split())
        if not text or len(text) > MAX_BYLINE_CHARS:
            continue
        cut = _BYLINE_END.search(_BY.sub("", text))
        names = split_names(_BY.sub("", text)[: cut.start()] if cut else _BY.sub("", text))
        if names:
            return names
    return []


def find_author(page: PageMeta, site: set[str], headline: Any | None) -> tuple[str | None, str | None]:
    """The authors ("; "-joined) and the source they came from, or ``(None, None)``."""
    joined = join_names(ld_author_names(page), site)
    if joined:
        return joined, "json-ld:author"
    names, source = meta_author_names(page)
    joined = join_names(names, site)
    if joined:
        return joined, source
    names, source = markup_author_names(page)
    joined = join_names(names, site)
    if joined:
        return joined, source
    joined = join_names(byline_names(page.tree, headline), site)
    return (joined, "byline") if joined else (None, None)
