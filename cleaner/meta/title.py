"""The page's headline: a visible heading the page's declared titles agree with.

A page declares its title several times (``og:title``, ``twitter:title``, JSON-LD
``headline``, ``<title>``, Dublin Core), often with the site's name or a section label
around it ("Headline | Site", "Opinion | Headline"), and shows it once as a heading. The
heading is what readers (and people labelling pages) call the title, so the reader looks
for a visible ``h1`` (then ``h2``, ``h3``) whose words equal one of the declared titles or
a run of its " | "/" - "-separated segments, with or without a label, kicker or subtitle
the heading holds in an element of its own ("<span class=label>News</span> Headline").
Failing that, an h1 sharing most of its words with the declared titles is taken, except
on a page declaring itself a page of the site (``og:type`` "website"), where such an h1
is a banner. Without such a heading the declared titles are stripped of the segments that
name the site and the one they agree on is taken, cut to its first " | " segment except on
a home page.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from cleaner.meta.page import MIN_SITE_NAME_LETTERS, PageMeta, clean_space, key, squash, visible_text

# Headings are tried level by level: the article's title is an h1 on most pages, an h2 or
# h3 on pages whose h1 is the site's logo.
HEADING_TAGS = ("h1", "h2", "h3")
# Headings looked at per level: listing pages have hundreds of h3; the headline is among
# the first few of its level on every page seen (on devdata, 10 loses 3 trafilatura-eval
# titles and gains one wcxb-dev title, 20 loses one).
MAX_HEADINGS = 40
# A "heading" longer than this is a block of text styled as one, not a headline: the
# longest gold title of the 2048 devdata pages has 257 characters, 99% have 125 or fewer.
# A declared title may be twice as long, with the site's name and sections around it.
MAX_TITLE_CHARS = 300
# Segments of a declared title: " | ", " - ", " – ", " — ", " · ", " • ", " » ", " :: ",
# " / " and, for matching only, ": " (a colon also joins a headline's two halves).
_STRIP_SEPARATORS = re.compile(r"\s*\|\s*|\s+[-–—·•»›~/\\]\s+|\s+::\s+")
# The separator cut after a headline no heading shows: a pipe is not written inside
# headlines, where " - " is ("Spider-Man - Far From Home").
_PIPE = re.compile(r"\s*\|\s*")
_MATCH_SEPARATORS = re.compile(r"\s*\|\s*|\s+[-–—·•»›~/\\]\s+|\s+::\s+|:\s+")
# More segments than this is a keyword list, not "Headline | Section | Subsection | Site"
# (6 to 10 give the same devdata titles).
MAX_SEGMENTS = 8
# Characters decorating the ends of a heading: permalink marks ("¶", "#", "§"), icons.
_DECORATION = "¶#§*|•·"
# A site-name segment is short: "The Motley Fool", "Walmart.com". A longer end segment
# containing the site's name ("Reviews of the best walmart deals") is part of the headline.
# (4 gives the same devdata titles, 6 loses 2.)
MAX_SITE_WORDS = 5
# A heading covering less than this share of the declared title it matches is a label
# ("Opinion" in "Opinion | Headline"); it is taken only when no longer heading agrees.
# (0.2 gives the same devdata titles, 0.4 loses 2: short headlines with long site names.)
MIN_COVERAGE = 0.3
# Share of an h1's words that must be in the declared titles for it to be the headline when
# no heading equals them: half (tried 0.2 to 0.6 on half the devdata sites; 0.5 was best,
# lower takes logos and taglines, higher misses reworded headlines).
MIN_SHARED_WORDS = 0.5
# Characters left at the cut when a heading's label or subtitle is taken off.
_CUT_PUNCTUATION = " :|-–—·•»›/\u00a0"
# Paths of a home page: the root and its index files.
_HOME_PATHS = frozenset({"", "index.html", "index.htm", "index.php", "home"})
# Share of a leading segment the site's name must cover to be stripped as the site's name
# ("The Verge": "verge" is 5 of its 8 letters; "Acme Hammer Review": "acme" 4 of 16).
# (0.5 gives the same devdata titles, 0.7 one more of 976 wcxb-dev titles: not a trend.)
SITE_SHARE = 0.6
# Host labels that are not the site's name: "www.", "co.uk", "com.au"; labels of one or two
# letters ("uk", "de") are country codes.
_HOST_NOISE = frozenset({"www", "com", "co"})
MIN_HOST_LABEL_CHARS = 3


def clean_heading(text: str | None) -> str | None:
    """A heading's text without white-space runs and the decorations at its ends."""
    value = clean_space(text)
    if not value:
        return None
    start, end = 0, len(value)
    while start < end and (value[start] in _DECORATION or unicodedata.category(value[start]) in ("So", "Cn")):
        start += 1
    while end > start and (value[end - 1] in _DECORATION or unicodedata.category(value[end - 1]) in ("So", "Cn")):
        end -= 1
    return value[start:end].strip() or None


def declared_titles(page: PageMeta) -> list[tuple[str, str]]:
    """The titles the page declares, as ``(source, text)``, in order of trust."""
    found: list[tuple[str, str]] = []
    for name in ("og:title", "twitter:title"):
        hit = page.first(name)
        if hit:
            found.append((f"meta:{name}", hit[1]))
    for value in page.ld_values("headline"):
        text = clean_space(value)
        if text:
            found.append(("json-ld:headline", text))
            break
    title_el = page.first_tagged("title")
    title = clean_space(title_el.text_content()) if title_el is not None else None
    if title:
        found.append(("title", title))
    for name in ("dc.title", "dcterms.title", "parsely-title", "sailthru.title", "headline"):
        hit = page.first(name)
        if hit:
            found.append((f"meta:{name}", hit[1]))
    return [(s, t) for s, t in found if len(t) <= MAX_TITLE_CHARS * 2]  # see MAX_TITLE_CHARS


def segments(text: str, pattern: re.Pattern[str] = _MATCH_SEPARATORS) -> list[str]:
    """``text`` cut at its separators; the whole text alone when it has too many."""
    parts = [p for p in pattern.split(text) if p.strip()]
    return parts if 1 < len(parts) <= MAX_SEGMENTS else [text]


def _run_keys(text: str) -> tuple[set[str], set[str]]:
    """The keys of the runs of consecutive segments of ``text``: (from its start, elsewhere).

    A heading equal to a run from the start ("Headline" in "Headline | Site") is the
    usual case; a run elsewhere ("Site | Headline", a section name) is weaker evidence.
    """
    parts = segments(text)
    leading = {key(text)}
    inner: set[str] = set()
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            (leading if i == 0 else inner).add(key(" ".join(parts[i:j])))
    leading.discard("")
    inner.discard("")
    return leading, inner - leading


def headings(elements: list[Any]) -> list[tuple[Any, str]]:
    """The first headings of one level (``elements``, in page order) with their cleaned text."""
    found = []
    for element in elements:
        text = clean_heading(visible_text(element))
        if text and len(text) <= MAX_TITLE_CHARS:
            found.append((element, text))
            if len(found) >= MAX_HEADINGS:
                break
    return found


def _heading_body(element: Any) -> Any:
    """The element holding a heading's parts: the heading, or the one wrapper (a link, a span) filling it."""
    body = element
    while len(body) == 1 and not (body.text or "").strip() and not (body[0].tail or "").strip():
        if not isinstance(body[0].tag, str):
            break
        body = body[0]
    return body


def without_kicker(element: Any, text: str) -> list[str]:
    """``text`` (a heading's) without a label, kicker or subtitle in an element of its own at its start or end.

    Headings often hold a section label or forum prefix before the headline ("<span
    class=label>News</span> Headline", "<span class=roofline>Topic</span> Headline") or a
    subtitle after it, each in its own element; the page's declared titles tell which part
    is the headline. Separators left at the cut (": ", " | ", " - ") go too.
    """
    body = _heading_body(element)
    children = [child for child in body if isinstance(child.tag, str) and child.tag != "br"]
    if len(children) < 1:
        return []
    found = []
    first, last = children[0], children[-1]
    if not (body.text or "").strip():
        piece = clean_space(visible_text(first))
        if piece and text.startswith(piece) and len(piece) < len(text):
            found.append(text[len(piece) :].lstrip(_CUT_PUNCTUATION))
    if not (last.tail or "").strip():
        piece = clean_space(visible_text(last))
        if piece and text.endswith(piece) and len(piece) < len(text):
            found.append(text[: -len(piece)].rstrip(_CUT_PUNCTUATION))
    trimmed = [clean_heading(part) for part in found]
    return [part for part in trimmed if part and part != text]


def site_names(page: PageMeta, sitename: str | None, host: str | None) -> set[str]:
    """Squashed names the site goes by: its declared name and its host's labels."""
    names = {squash(sitename)} if sitename else set()
    if host:
        labels = host.split(".")
        names.add(squash(host))
        names.update(
            squash(label) for label in labels[:-1] if len(label) >= MIN_HOST_LABEL_CHARS and label not in _HOST_NOISE
        )
    names.discard("")
    return names


def is_site_segment(segment: str, names: set[str], *, leading: bool = False) -> bool:
    """Tell whether a title segment names the site ("The Motley Fool" on fool.com, "Walmart.com").

    A trailing segment only has to contain one of the names; a leading one must be mostly
    the name, since headlines often start with the brand they are about ("Gymshark
    Arrival T-Shirt - Black" on gymshark.com).
    """
    if len(segment.split()) > MAX_SITE_WORDS:
        return False
    squashed = squash(segment)
    if not squashed:
        return True  # nothing but punctuation or an icon
    for name in names:
        if squashed == name:
            return True
        if len(name) < MIN_SITE_NAME_LETTERS:  # short names must match the whole segment
            continue
        if squashed in name:
            return True
        # Leading: the name covers at least 60% of the segment ("The Verge" is 8 letters, "verge" 5).
        if name in squashed and (not leading or len(name) >= SITE_SHARE * len(squashed)):
            return True
    return False


def strip_site(title: str, names: set[str], *, home: bool = False) -> str:
    """``title`` without the segments at its ends that name the site.

    On a site's home page a leading name is kept: "Brand | What we do" is how the home
    page names itself, where "Site | Headline" on an article page is a prefix.
    """
    parts = segments(title, _STRIP_SEPARATORS)
    count = len(parts)
    while len(parts) > 1 and is_site_segment(parts[-1], names):
        parts.pop()
    while not home and len(parts) > 1 and is_site_segment(parts[0], names, leading=True):
        parts.pop(0)
    return title if len(parts) == count else _rejoin(title, parts)


def _rejoin(title: str, parts: list[str]) -> str:
    """The span of ``title`` from the first to the last of ``parts`` (keeps its own separators)."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1])
    if start < 0 or end < 0 or end < start:
        return " - ".join(parts)
    return title[start : end + len(parts[-1])].strip()


def _tokens(text: str) -> set[str]:
    """The distinct words of ``text``, as :func:`key` folds them."""
    return set(key(text).split())


def similar_h1(h1s: list[tuple[Any, str]], declared: list[tuple[str, str]]) -> tuple[str, Any] | None:
    """The h1 of ``h1s`` (see :func:`headings`) sharing most of its words with the declared titles, if half or more.

    A page's heading and its declared title often say the same in other words ("Online
    Graphic Design Course" and "Graphic Design Course Online | School"); the heading is
    what the page shows, so it is the title.
    """
    words = set().union(*(_tokens(text) for _, text in declared)) if declared else set()
    best: tuple[float, str, Any] | None = None
    for element, text in h1s:
        tokens = _tokens(text)
        if tokens:
            share = len(tokens & words) / len(tokens)
            if share >= MIN_SHARED_WORDS and (best is None or share > best[0]):
                best = (share, text, element)
    return (best[1], best[2]) if best else None


def _site_page(page: PageMeta) -> bool:
    """Tell whether the page declares itself a page of the site (``og:type`` "website"), not an article.

    On such a page (a service, a category, a landing page) an h1 that only resembles the
    declared title is a slogan or a banner ("The complete customer service solution");
    the declared title names the page. On the wcxb-dev pages whose h1 only resembles the
    declared title, the declared title is right on 37 "website" pages and the h1 on 26;
    on the other pages the h1 wins, 74 to 40.
    """
    og_type = page.first("og:type")
    return og_type is not None and og_type[1].strip().lower() == "website" and not page.declares_article()


def is_home_page(url: str | None) -> bool:
    """Tell whether ``url`` is a site's home page (no path beyond ``/`` or an index file)."""
    if not url:
        return False
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return path.strip("/").lower() in _HOME_PATHS


def find_title(page: PageMeta, sitename: str | None, host: str | None) -> tuple[str | None, str | None, Any]:
    """The headline, its source (``h1``, ``meta:og:title``...) and its heading element.

    ``(None, None, None)`` when the page declares no title; the element is None when the
    title comes from the declared titles alone.

    Every heading agreeing with a declared title is a candidate; the best one agrees
    with the start of a declared title, is not the site's name, covers most of that
    title, and comes first by level then page order.
    """
    declared = declared_titles(page)
    names = site_names(page, sitename, host)
    home = is_home_page(page.url)
    stripped = [(source, strip_site(text, names, home=home)) for source, text in declared]
    runs = []
    for (_, text), (_, short) in zip(declared, stripped, strict=True):
        leading, inner = _run_keys(text)
        leading.add(key(short))
        runs.append((leading, inner, max(len(key(text)), 1)))
    best: tuple[tuple[bool, int, float, int, int, int], str, str, Any] | None = None
    by_level = {tag: headings(page.tagged(tag)) for tag in HEADING_TAGS}
    for level, tag in enumerate(HEADING_TAGS):
        for order, (element, whole) in enumerate(by_level[tag]):
            # The heading, then its text without a label or subtitle (preferred on a tie).
            for trimmed, text in enumerate([whole, *without_kicker(element, whole)]):
                heading_key = key(text)
                if not heading_key or is_site_segment(text, names):
                    continue
                for leading, inner, size in runs:
                    strength = 2 if heading_key in leading else 1 if heading_key in inner else 0
                    if strength:
                        coverage = len(heading_key) / size
                        rank = (coverage >= MIN_COVERAGE, strength, coverage, -level, -order, min(trimmed, 1))
                        if best is None or rank > best[0]:
                            best = (rank, text, tag, element)
    if best is not None:
        return best[1], best[2], best[3]
    similar = None if _site_page(page) else similar_h1(by_level["h1"], declared)
    if similar is not None:
        return similar[0], "h1", similar[1]
    if not declared:
        return None, None, None
    # Two declared titles that agree once the site's name is gone are the headline (its
    # first segment, see first_segment).
    for i, (source, text) in enumerate(stripped):
        if any(key(text) == key(other) for _, other in stripped[i + 1 :]):
            return text if home else first_segment(text), source, None
    return stripped[0][1] if home else first_segment(stripped[0][1]), stripped[0][0], None


def first_segment(title: str) -> str:
    """The first of ``title``'s " | "-separated segments: "Headline | Section", "Headline | Sales line".

    Used for a declared title no heading agrees with, once the site's name is cut from
    its ends: what follows the headline there is a section, a category or a sales line
    (on devdata, the gold is the first segment on 6 such pages, the whole on 2; cutting at
    " - " too gains 5 more but splits headlines written with a dash). Not on a home page,
    where "Brand | What we do" names the page as a whole.
    """
    parts = segments(title, _PIPE)
    return parts[0].strip() if len(parts) > 1 else title
