"""Document metadata from the page's own markup and text.

:func:`html_metadata` reads, from a parsed HTML page: title, author, date, sitename,
description, language, canonical url, categories, tags and licence. Every field is
``None`` when the page does not state it: nothing is guessed. ``sources`` records where
each field came from (``h1``, ``json-ld:author``, ``meta:og:site_name``, ``dateline+...``),
for ``--explain``. The readers of the harder fields live in :mod:`cleaner.meta`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree

from cleaner.io import host_of
from cleaner.meta.author import find_author
from cleaner.meta.date import find_date, iso_date
from cleaner.meta.page import ARTICLE_TYPES, PageMeta, clean_space
from cleaner.meta.title import find_title, site_names

# Every field html_metadata returns, in the order of the output record.
HTML_FIELDS = (
    "title",
    "author",
    "date",
    "sitename",
    "description",
    "language",
    "canonical_url",
    "categories",
    "tags",
    "license",
)
SITENAME_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
DESCRIPTION_META = ("description", "og:description", "twitter:description", "dc.description", "dcterms.description")
CATEGORY_META = ("article:section", "parsely-section", "category")
TAG_META = ("article:tag", "parsely-tags", "news_keywords", "keywords")
LICENSE_META = ("dc.rights", "dcterms.license", "dc.license", "license")
# Categories and tags kept: some pages list hundreds of SEO keywords. On the devdata pages
# a keyword field has 4 terms at the median and 13 at the 90th percentile; the 46 of 937
# fields with more than 20 (up to 160) are keyword lists, not the article's tags.
MAX_TERMS = 20
# A tag longer than this is a sentence that was put in a keyword field (99% of the devdata
# terms have at most 42 characters).
MAX_TERM_CHARS = 60
_LANG_ATTR = re.compile(r"^\s*([a-z]{2,3})(?:[-_][a-z0-9]+)*\s*$", re.IGNORECASE)
_TERM_SEPARATORS = re.compile(r"\s*[,;|]\s*")


def declared_language(tree: Any, metas: Iterable[Any] | None = None) -> str | None:
    """The language code of ``<html lang>`` (or ``xml:lang``, or a content-language meta), lower case.

    ``metas``: the page's ``<meta>`` elements in page order, when already gathered (else
    the tree's are read, only when the ``<html>`` attributes say nothing).
    """
    for value in _declared_languages(tree, metas):
        match = _LANG_ATTR.match((value or "").split(",")[0])
        if match:
            return match.group(1).lower()
    return None


def _declared_languages(tree: Any, metas: Iterable[Any] | None) -> Iterator[str | None]:
    """The values declaring the page's language, in order of trust; the metas only read if needed."""
    yield tree.get("lang")
    yield tree.get("xml:lang")
    for meta in tree.iter("meta") if metas is None else metas:
        if (meta.get("http-equiv") or "").lower() == "content-language":
            yield meta.get("content")


def _first_meta(page: PageMeta, names: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The first ``<meta>`` value among ``names`` with its source, or ``(None, None)``."""
    hit = page.first(*names)
    return (hit[1], f"meta:{hit[0]}") if hit else (None, None)


def _ld_first(page: PageMeta, prop: str, types: frozenset[str] | None = None) -> Any:
    """The first JSON-LD value of ``prop`` (in objects of ``types`` when given), or None."""
    return next(iter(page.ld_values(prop, types)), None)


def find_sitename(page: PageMeta) -> tuple[str | None, str | None]:
    """The site's name: og:site_name and similar metas, else the JSON-LD publisher or WebSite name."""
    value, source = _first_meta(page, SITENAME_META)
    if value and not (source == "meta:twitter:site" and value.startswith("@")):
        return value, source
    publisher = _ld_first(page, "publisher", ARTICLE_TYPES)
    if isinstance(publisher, dict) and clean_space(publisher.get("name")):
        return clean_space(publisher.get("name")), "json-ld:publisher"
    for obj in page.json_ld:
        if obj.get("@type") == "WebSite" and clean_space(obj.get("name")):
            return clean_space(obj.get("name")), "json-ld:WebSite"
    return None, None


def _terms(values: list[Any]) -> list[str]:
    """Distinct terms (case-insensitive) of strings split at , ; | or of lists, capped in number and length."""
    terms: dict[str, str] = {}
    for value in values:
        items = value if isinstance(value, list) else _TERM_SEPARATORS.split(value) if isinstance(value, str) else []
        for item in items:
            term = clean_space(item) if isinstance(item, str) else None
            if term and len(term) <= MAX_TERM_CHARS and term.casefold() not in terms:
                terms[term.casefold()] = term
    return list(terms.values())[:MAX_TERMS]


def find_terms(page: PageMeta, metas: tuple[str, ...], ld_prop: str) -> tuple[list[str] | None, str | None]:
    """Categories or tags: every value of the first meta name present, else the JSON-LD property."""
    for name in metas:
        values = page.meta.get(name)
        if values:
            terms = _terms(list(values))
            if terms:
                return terms, f"meta:{name}"
    values = list(page.ld_values(ld_prop, ARTICLE_TYPES))
    terms = _terms(values[:1])
    return (terms, f"json-ld:{ld_prop}") if terms else (None, None)


def find_license(page: PageMeta) -> tuple[str | None, str | None]:
    """The licence the page states: a ``rel="license"`` link, JSON-LD ``license``, or a rights meta."""
    for link in page.rel_links("license"):
        if link.get("href"):
            return _absolute(link.get("href"), page.url), "rel=license"
    value = _ld_first(page, "license")
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or value.get("name")
    if isinstance(value, list) and value:
        value = value[0] if isinstance(value[0], str) else None
    if clean_space(value):
        return clean_space(value), "json-ld:license"
    return _first_meta(page, LICENSE_META)


def find_canonical(page: PageMeta) -> tuple[str | None, str | None]:
    """The ``<link rel="canonical">`` url (made absolute against the page url), else og:url.

    A relative url that cannot be made absolute (no page url) is not a url: None.
    """
    found: list[tuple[str, str]] = [
        (href, "link:canonical")
        for link in page.rel_links("canonical")
        if link.tag == "link" and (href := clean_space(link.get("href")))
    ]
    found += [(value, "meta:og:url") for value in page.meta.get("og:url", ())]
    for href, source in found:
        url = _absolute(href, page.url)
        if _is_web_url(url):
            return url, source
    return None, None


# libxml2 finds the candidates in one search each; Python checks their attributes.
_LINKS_WITH_REL = lxml.etree.XPath("//link[@rel]")
_OG_URL = lxml.etree.XPath(
    "//meta[translate(@property, 'OGURL', 'ogurl')='og:url' or translate(@name, 'OGURL', 'ogurl')='og:url']/@content"
)


def canonical_host(tree: Any) -> str | None:
    """The host the page names as its own: ``<link rel="canonical">``, else ``og:url``; None if neither.

    Only absolute http(s) urls count: a relative link names no host. Cheaper than
    :func:`html_metadata` (two searches, no other field), for the corpus pass.
    """
    hrefs = [
        str(link.get("href") or "")
        for link in _LINKS_WITH_REL(tree)
        if "canonical" in str(link.get("rel")).lower().split()
    ]
    for value in [*hrefs, *(str(v) for v in _OG_URL(tree))]:
        url = value.strip()
        if _is_web_url(url):
            return host_of(url)
    return None


def _is_web_url(url: str) -> bool:
    """Tell whether ``url`` is an absolute http(s) url with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _absolute(href: str, base: str | None) -> str:
    """``href`` resolved against ``base`` when it is relative and a base is known."""
    href = href.strip()
    if base and not urlsplit(href).scheme:
        try:
            return urljoin(base, href)
        except ValueError:
            return href
    return href


def html_metadata(tree: Any, url: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """Read every field of :data:`HTML_FIELDS` from a parsed page; returns ``(fields, sources)``.

    A field the page does not state is ``None`` and has no source. ``language`` here is
    the page's declared one; :func:`cleaner.pipeline.gather_metadata` identifies it from
    the text when the page declares none.
    """
    page = PageMeta.read(tree, url)
    found: dict[str, tuple[Any, str | None]] = {}
    sitename, sitename_source = find_sitename(page)
    found["sitename"] = (sitename, sitename_source)
    host = host_of(url)
    title, title_source, headline = find_title(page, sitename, host)
    found["title"] = (title, title_source)
    if headline is None:
        headline = page.first_tagged("h1")
    found["author"] = find_author(page, site_names(page, sitename, host), headline)
    found["date"] = find_date(page, headline)
    found["description"] = _first_meta(page, DESCRIPTION_META)
    language = declared_language(tree, page.tagged("meta"))
    found["language"] = (language, "html:lang" if language else None)
    found["canonical_url"] = find_canonical(page)
    found["categories"] = find_terms(page, CATEGORY_META, "articleSection")
    found["tags"] = find_terms(page, TAG_META, "keywords")
    found["license"] = find_license(page)
    fields = {name: found[name][0] or None for name in HTML_FIELDS}
    sources = {name: str(found[name][1]) for name in HTML_FIELDS if fields[name] is not None and found[name][1]}
    return fields, sources


__all__ = ["HTML_FIELDS", "html_metadata", "iso_date", "declared_language"]
