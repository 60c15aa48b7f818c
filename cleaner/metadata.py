"""Document metadata from the page's own markup: title, author, date, site, description.

Every field is ``None`` when the page does not state it: nothing is guessed. ``sources``
records where each field came from, for ``--explain``.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any
from urllib.parse import urlsplit

_WHITESPACE = re.compile(r"\s+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Separators sites put between a headline and their name in <title>: "Headline | Site".
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|·•»]|[-–—:])\s+")

META_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "dc.title"),
    "author": ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"),
    "date": (
        "article:published_time",
        "datepublished",
        "date",
        "dc.date",
        "dc.date.issued",
        "pubdate",
        "publishdate",
        "parsely-pub-date",
        "sailthru.date",
        "og:published_time",
    ),
    "sitename": ("og:site_name", "application-name"),
    "description": ("description", "og:description", "twitter:description", "dc.description"),
}


def host_of(url: str | None) -> str | None:
    """The lower-case host of ``url`` without port or a leading ``www.``; None if it has none."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = _WHITESPACE.sub(" ", value).strip()
    return text or None


def iso_date(value: str | None) -> str | None:
    """The ``YYYY-MM-DD`` at the start of an ISO-like date string, if it is a real date."""
    if not value:
        return None
    match = _ISO_DATE.search(value)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    # Years outside this range are typos or placeholders (0000-00-00), not publication dates.
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return match.group(0)


def _meta_values(tree: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = _clean(meta.get("content"))
        if key and content and key not in values:
            values[key] = content
    return values


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return objects


def _ld_author(value: Any) -> str | None:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, dict):
        return _clean(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_ld_author(v) for v in value) if n]
        return "; ".join(dict.fromkeys(names)) or None
    return None


def _strip_site_suffix(title: str, sitename: str | None) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if sitename:
        kept = [p for p in parts if p.strip().lower() != sitename.lower()]
        if kept and len(kept) < len(parts):
            return " - ".join(kept)
    # Without a known site name, the longest part is the headline: site names are short.
    return max(parts, key=len)


def publication_date(tree: Any, url: str | None) -> str | None:
    """The publication date found by htmldate (markup, URL and visible date patterns), or None.

    Measured on the devdata pages with a gold date (andythefactory-news2023, 100 pages):
    htmldate alone 0.89 same-day, cleaner's own JSON-LD/meta/<time> rules alone 0.81, and
    htmldate as the last resort after them 0.87, the same as in any other order tried; it
    costs about a millisecond a page, so it runs only when the cheap sources found nothing
    (7 pages in 100 there). htmldate prunes the tree it reads, so it gets a copy; its
    ``original_date`` asks for the publication, not the last-modified, date.
    """
    from htmldate import find_date

    try:
        found = find_date(copy.deepcopy(tree), url=url, original_date=True, extensive_search=False)
    except Exception:  # noqa: BLE001 - a date is optional; a library failure must not fail the page
        return None
    return iso_date(found) if found else None


def html_metadata(tree: Any, url: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """Read title, author, date, sitename, description, language and canonical url.

    Returns the fields and, for each field found, the source it came from.
    """
    meta = _meta_values(tree)
    ld = _json_ld(tree)
    fields: dict[str, Any] = {}
    sources: dict[str, str] = {}

    def first(name: str, candidates: list[tuple[str, Any]]) -> None:
        for source, value in candidates:
            if value:
                fields[name] = value
                sources[name] = source
                return
        fields[name] = None

    first("sitename", [(f"meta:{k}", meta.get(k)) for k in META_FIELDS["sitename"]])
    ld_headline = next((_clean(o.get("headline")) for o in ld if o.get("headline")), None)
    h1 = next((_clean(el.text_content()) for el in tree.iter("h1")), None)
    title_tag = next((_clean(el.text_content()) for el in tree.iter("title")), None)
    stripped_title = _strip_site_suffix(title_tag, fields["sitename"]) if title_tag else None
    og_title = next((meta[k] for k in META_FIELDS["title"] if k in meta), None)
    candidates = [("json-ld:headline", ld_headline), ("meta:og:title", og_title), ("h1", h1), ("title", stripped_title)]
    fields["title"] = None
    # Prefer a candidate another source agrees with (case-folded), then the first found.
    folded = [(s, v, v.casefold()) for s, v in candidates if v]
    for source, value, key in folded:
        if sum(1 for _, _, other in folded if other == key) > 1:
            fields["title"], sources["title"] = value, source
            break
    else:
        first("title", [(s, v) for s, v, _ in folded])

    ld_author = next((_ld_author(o.get("author")) for o in ld if o.get("author")), None)
    first("author", [("json-ld:author", ld_author), *[(f"meta:{k}", meta.get(k)) for k in META_FIELDS["author"]]])
    ld_date = next((iso_date(str(o.get("datePublished"))) for o in ld if o.get("datePublished")), None)
    time_date = next((iso_date(el.get("datetime")) for el in tree.iter("time") if el.get("datetime")), None)
    first(
        "date",
        [("json-ld:datePublished", ld_date)]
        + [(f"meta:{k}", iso_date(meta.get(k))) for k in META_FIELDS["date"]]
        + [("time", time_date)],
    )
    if fields.get("date") is None:
        first("date", [("htmldate", publication_date(tree, url))])
    first("description", [(f"meta:{k}", meta.get(k)) for k in META_FIELDS["description"]])
    lang = tree.get("lang") or tree.get("xml:lang")
    fields["language"] = lang.split("-")[0].split("_")[0].strip().lower() or None if lang else None
    if fields["language"]:
        sources["language"] = "html:lang"
    canonical = next(
        (link.get("href") for link in tree.iter("link") if (link.get("rel") or "").lower() == "canonical"), None
    )
    fields["canonical_url"] = _clean(canonical)
    return fields, sources
