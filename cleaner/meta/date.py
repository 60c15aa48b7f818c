"""The article's date, as ISO ``YYYY-MM-DD``: the dateline the page shows, checked against its markup.

Sources, each read by a small function:

- the *markup*: JSON-LD ``datePublished``/``dateModified`` (article objects before
  others: a page's embedded video has its own dates), ``<meta>`` tags
  (``article:published_time``, Dublin Core, Parse.ly...), ``<time datetime>``;
- the *url*: ``/2023/12/20/``, ``/2023/dec/20/``, ``/2023-12-20-``, ``/20231220/``;
- the *dateline*: the first date written near the headline ("Dec. 12, 2023",
  "17 December 2023", "2023-12-17");
- *htmldate*, the library, as the last resort (it reads many more patterns).

In that order: a date of the markup or the url that the dateline shows; else the
declared publication date; else the url's date; else, when the markup declares no date,
the first date shown by the headline that is not labelled as an update or a join date
("Updated: ...", "Joined: ..."), or the update when it is the only date shown; else the
declared modification date (htmldate answers
the same there); else htmldate's, on a page that says it is an article (``og:type`` or
JSON-LD): on the other pages (products, services, listings) it mostly guessed (on
wcxb-dev it dated 158 of the 633 pages that state no date, for 6 right dates among the
gold ones). Dates in the page's teasers, comments, nav, footer and the site's header are
never read (:func:`cleaner.meta.page.is_aside`), nor dates shown with a label saying they
are someone's or something else's ("Joined", "last post by ...": a forum's last reply).

The date is the publication date when the page shows it next to the headline or nothing
is shown there; when the page shows only its last update there ("Updated Dec. 23,
2023"), it is taken, but only when the markup declares it as the modification date.
The people who label pages disagree on this case: taking the declared publication date
instead gains 15 wcxb-dev pages and loses 9 wcxb-dev and 5 andythefactory-news2023 pages
with the same markup and the same "Updated" line, so the reading that was measured
first stays. Measured on andythefactory-news2023 (100 news pages, gold dates by people),
split by site into halves: these rules 0.909 / 0.933 same-day, htmldate alone 0.891 /
0.889, markup then htmldate 0.855 / 0.889; 0.93 on the whole set since block elements
are read apart (``page.LINE_TAGS``). Dates are taken as written, in the publisher's time
zone: converting "2023-12-25T22:03Z" to another zone would guess where the reader is.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from cleaner.meta.page import AFTER_HEADLINE, ARTICLE_TYPES, BEFORE_HEADLINE, PageMeta, in_aside, visible_text

# Years outside this range are typos or placeholders (0000-00-00), not web publication dates.
MIN_YEAR, MAX_YEAR = 1990, 2100

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Months by the first three letters of their names in English, German, French and Spanish
# (the languages of the text dumps' date lines the rules read; the HTML datelines here are
# read in English only). "jui" is juin or juillet: see month_number.
MONTH_NUMBERS: dict[str, int] = {
    "jan": 1, "ene": 1, "feb": 2, "fév": 2, "fev": 2, "mar": 3, "mär": 3, "apr": 4, "avr": 4, "abr": 4, "may": 5,
    "mai": 5, "jun": 6, "jul": 7, "aug": 8, "aoû": 8, "aou": 8, "ago": 8, "sep": 9, "oct": 10, "okt": 10,
    "nov": 11, "dec": 12, "dez": 12, "déc": 12, "dic": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# "December 14, 2023", "Dec. 14 2023", "14 December 2023", "14th Dec, 2023", "2023-12-14",
# "14.12.2023", "2023/12/14". US "12/14/2023" is left out: "03/04/2023" is ambiguous.
# A date ends at the last digit of its year or day, whatever follows: inline elements are
# joined without a space ("December 22, 2022<span>Updated: ...</span>" reads "2022Updated",
# "2023-12-14T10:00" is a date and its time). A month name starts a word, or a capitalised
# word glued to a lower-case one the same way ("Mental Health<span>DECEMBER 22, 2022").
_MONTH_START = r"(?:(?<![^\W\d_])|(?-i:(?<=[a-z])(?=[A-Z])))"
_TEXT_DATES = [
    re.compile(rf"{_MONTH_START}{_MONTH}\.?\s+{_DAY},?\s+{_YEAR}(?!\d)", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\.?\s+(?:of\s+)?{_MONTH}\.?,?\s+{_YEAR}(?!\d)", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)[-/](?P<month>[01]?\d)[-/](?P<day>[0-3]?\d)(?!\d)"),
    re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)(?!\d)"),
]
# A date in the url path: /2023/12/20/, /2023-12-20-, /20231220/ (a compact one only
# between separators, so an id like 231218130031 is not read as one).
_URL_DATES = [
    re.compile(r"/(?P<year>(?:19|20)\d\d)/(?P<month>[01]?\d)/(?P<day>[0-3]?\d)(?:/|$|[-_.])"),
    re.compile(rf"/(?P<year>(?:19|20)\d\d)/{_MONTH}/(?P<day>[0-3]?\d)(?:/|$|[-_.])", re.IGNORECASE),
    re.compile(r"[/_-](?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?:[/_.-]|$)"),
    re.compile(r"/(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?:/|$)"),
]

# Labels of the dates shown near a headline that are not its publication: the last
# update, a user's join date on a forum, a company's founding, a thread's last reply: the
# label and at most 16 characters without digits before the date ("Updated on Tuesday, ";
# a digit means another date or a number lies between). The 30 characters before a date
# are searched.
_LABEL_GAP = r"\b[^\d.]{0,16}$"
_UPDATE_LABEL = re.compile(r"(?:updated|modified|edited)" + _LABEL_GAP, re.IGNORECASE)
# ...of which these are never the page's date at all: a person's, a company's or the last
# reply's. A forum writes "last post by <user name>": the user name (one word, up to 30
# characters) may stand between the label and the date.
_ELSEWHERE_LABEL = re.compile(
    r"(?:joined|registered|founded|member since|since)" + _LABEL_GAP
    + r"|(?:last|latest)\s+(?:post|reply|activity)(?:\s+by\s+\S{1,30})?\s*[^\w\d.]{0,3}$",
    re.IGNORECASE,
)  # fmt: skip
# Characters before a date searched for its label: a label, a user name of up to 30
# characters ("last post by AardnoldArrdvark ") and the spaces between.
LABEL_REACH = 60
# <meta> names of the publication date, in order of trust.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "article:publicationdate",
    "publication_date",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "citation_date",
    "date",
)
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")


def month_number(name: str) -> int | None:
    """The month a name or abbreviation stands for ("Dec." -> 12, "März" -> 3, "juillet" -> 7), None if unknown."""
    lowered = name.lower()
    if lowered[:3] == "jui":  # juin / juillet
        return 6 if lowered.startswith("juin") else 7
    return MONTH_NUMBERS.get(lowered[:3])


def calendar_date(year: int | str, month: int | str, day: int | str) -> date | None:
    """The date the parts make (the month a number or a name), or None when it is no real date."""
    try:
        number = int(month) if isinstance(month, int) or month.isdigit() else month_number(month)
        return None if number is None else date(int(year), number, int(day))
    except ValueError:
        return None


def make_date(year: int | str, month: int | str, day: int | str) -> str | None:
    """``YYYY-MM-DD`` when the parts make a real date in the accepted years, else None."""
    value = calendar_date(year, month, day)
    return value.isoformat() if value is not None and MIN_YEAR <= value.year <= MAX_YEAR else None


def iso_date(value: Any) -> str | None:
    """The first ``YYYY-MM-DD`` in an ISO-like string (time and zone ignored), if it is a real date."""
    if not isinstance(value, str):
        return None
    match = _ISO.search(value)
    return make_date(*match.groups()) if match else None


def text_dates(text: str) -> list[str]:
    """The dates written in ``text`` (English month names or numeric), in the order they appear."""
    return [value for _, value in dates_at(text)]


def dates_at(text: str) -> list[tuple[int, str]]:
    """The dates written in ``text`` with where each starts, in the order they appear."""
    found: list[tuple[int, str]] = []
    for pattern in _TEXT_DATES:
        for match in pattern.finditer(text):
            value = make_date(match["year"], match["month"], match["day"])
            if value:
                found.append((match.start(), value))
    return sorted(found)


def labelled_dates(text: str) -> list[tuple[str, str]]:
    """The dates of ``text`` with their label, in page order.

    The label is ``"update"`` ("Updated: Jan. 2, 2026"), ``"elsewhere"`` ("Joined: Dec 11,
    2021", "last post by ann Jan. 3, 2024": not the page's date) or ``""``.
    """
    found = []
    for start, value in dates_at(text):
        before = text[max(0, start - LABEL_REACH) : start]
        label = "elsewhere" if _ELSEWHERE_LABEL.search(before) else "update" if _UPDATE_LABEL.search(before) else ""
        found.append((value, label))
    return found


def url_date(url: str | None) -> str | None:
    """The date in a url's path (``/2023/12/20/slug``), if it has a full one."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    for pattern in _URL_DATES:
        match = pattern.search(path)
        if match:
            found = make_date(match["year"], match["month"], match["day"])
            if found:
                return found
    return None


def markup_dates(page: PageMeta) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """The publication and modification dates the markup declares, each as ``(date, source)``."""
    published = _ld_date(page, "datePublished") or _ld_date(page, "dateCreated")
    modified = _ld_date(page, "dateModified")
    if published is None:
        published = _meta_date(page, PUBLISHED_META)
    if modified is None:
        modified = _meta_date(page, MODIFIED_META)
    if published is None:
        published = _time_date(page.tagged("time"))
    return published, modified


def _ld_date(page: PageMeta, prop: str) -> tuple[str, str] | None:
    """The first valid date of JSON-LD ``prop``, article objects first, with its source."""
    for types in (ARTICLE_TYPES, None):
        for value in page.ld_values(prop, types):
            found = iso_date(value)
            if found:
                return found, f"json-ld:{prop}"
    return None


def _meta_date(page: PageMeta, names: tuple[str, ...]) -> tuple[str, str] | None:
    """The first valid date among the ``<meta>`` tags ``names`` (in that order), with its source."""
    for name in names:
        for value in page.meta.get(name, ()):
            found = iso_date(value)
            if found:
                return found, f"meta:{name}"
    return None


def _time_date(times: list[Any]) -> tuple[str, str] | None:
    """``<time datetime>`` of ``times`` (the page's, in page order): one marked as the publication date first."""
    first = None
    for element in times:
        found = iso_date(element.get("datetime"))
        if not found or in_aside(element):  # a teaser's, a comment's or the header clock's date
            continue
        marks = " ".join(filter(None, (element.get("itemprop"), element.get("class")))).lower()
        if "datepublished" in marks or "publish" in marks or element.get("pubdate") is not None:
            return found, "time"
        first = first or found
    return (first, "time") if first else None


def headline_text(page: PageMeta, headline: Any | None) -> str:
    """The text shown around the headline, white space folded ("" without a headline).

    Up to :data:`BEFORE_HEADLINE` characters before it, the headline, and up to
    :data:`AFTER_HEADLINE` after it (see :func:`around_headline`).
    """
    if headline is None or page.first_tagged("body") is None:
        return ""
    title_text = " ".join(visible_text(headline).split())
    if not title_text:
        return ""
    before, after = page.around(headline)
    head = " ".join(before.split())[-BEFORE_HEADLINE:]
    tail = " ".join(after.split())[:AFTER_HEADLINE]
    return f"{head} {title_text} {tail}"


def htmldate_date(tree: Any, url: str | None) -> str | None:
    """The publication date htmldate finds (markup, url and visible patterns), or None.

    ``original_date`` asks for the publication, not the last-modified, date. htmldate
    prunes a copy of the tree it is given, never the tree itself (1.9 to 1.11 read; a test
    checks it), so no copy is made here: it doubled the copying where htmldate gets that far.
    About 7 ms a page where it runs (on the devdata pages), so it runs only when nothing
    else found a date: 45% of the devdata pages.
    """
    import htmldate  # here, not at the top: with urllib3 it costs every process 0.15 s of start-up

    try:
        found = htmldate.find_date(tree, url=url, original_date=True, extensive_search=False)
    except Exception:  # noqa: BLE001 - a date is optional; a library failure must not fail the page
        return None
    return iso_date(found) if found else None


def find_date(page: PageMeta, headline: Any | None) -> tuple[str | None, str | None]:
    """The article's date and its source, or ``(None, None)``; see the module docstring."""
    published, modified = markup_dates(page)
    from_url = url_date(page.url)
    around = labelled_dates(headline_text(page, headline))
    labelled = [(value, label) for value, label in around if label != "elsewhere"]
    shown = [value for value, _ in labelled]
    if shown:
        # The publication date when the page shows it, else the update it shows instead.
        for candidate in (published, (from_url, "url") if from_url else None, modified):
            if candidate and candidate[0] in shown:
                return candidate[0], "dateline+" + candidate[1]
    if published:
        return published
    if from_url:
        return from_url, "url"
    if shown and not modified:
        # Nothing declared: the first date shown by the headline that is no update's is
        # the publication's ("January 31, 2024 Written by ..."); when the page shows only
        # its last update ("Updated May 6, 2025"), that is the date it gives itself.
        first = next((value for value, label in labelled if not label), None)
        if first:
            return first, "dateline"
        return shown[0], "dateline:updated"
    if modified:
        # The markup says only when the page was last changed: htmldate, asked for the
        # publication date, answers that same date on 33 of the 35 devdata pages in this
        # case (the other two are service pages with no date shown), at 5-7 ms a page.
        return modified
    if not page.declares_article():
        return None, None
    found = htmldate_date(page.tree, page.url)
    return (found, "htmldate") if found else (None, None)
