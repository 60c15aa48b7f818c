"""The reader comments a page holds, for ``--comments``: found in the markup, split, stripped of chrome.

Three steps, each a public function:

1. :func:`comment_regions`: the elements that hold the comments, from the markup's own
   words: schema.org ``UserComments``/``Comment`` items, ``itemprop="comment"``, and
   elements whose class or id names comments (``comments``, ``comment-list``,
   ``commentlist``, ``disqus_thread``...), outermost first, leaving out what only links to
   or counts them (``comments-link``, ``comment-count``) and other pages' comments
   (``recent-comments``). When none of those holds a comment, the elements after a heading
   that announces comments ("5 Comments", "3 thoughts on ...", "Kommentare").
2. :func:`comment_items`: a region split into comments: schema.org ``Comment`` items when
   the page has them, else the region's repeated child structure: the largest group of
   same-tag children of one element (``ol > li``, ``div > article``), children named
   ``comment`` first. Replies nested in a comment (an element of the same tag and class
   inside it) are comments of their own.
3. :func:`read_comment`: a comment's text (its lines, without its replies, its author and
   date line, its forms and buttons, and lines the ``comments.*`` phrase rules know as
   widget chrome: "Reply", "Report", "Antworten"), its author and its date when the markup
   names them (``itemprop``, ``<time datetime>``, ``fn``/``author``/``date`` classes).

:func:`reader_comments` runs them and leaves out any comment whose text the page's clean
text already holds (a forum's posts, an answer the extractor took as the content): the
``text`` and the ``comments`` of a record never share a comment, and ``--comments`` never
changes the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import lxml.etree

from cleaner.extractors.rules.phrases import normalise_line, phrase_book
from cleaner.page.markup import BLOCK_TAGS, SKIP_TAGS

__all__ = ["Comment", "Region", "comment_items", "comment_regions", "read_comment", "reader_comments"]

# Class/id words (split at - _ : / . and white space) that name a comment region or a comment.
COMMENT_WORDS = frozenset(  # fmt: skip
    {
        "comment",
        "comments",
        "commentlist",
        "commentslist",
        "disqus",
        "kommentar",
        "kommentare",
        "commentaire",
        "commentaires",
        "comentario",
        "comentarios",
    }
)
# Words beside a comment word that make it something else: a link to the comments or their
# count, a button, the comments of other pages (a sidebar's "recent comments"), the form,
# or a flag on the whole page (``comments-open`` on <body>).
NOT_REGION_WORDS = frozenset(
    {
        "link", "links", "count", "counter", "total", "number", "num", "icon", "fa", "btn", "button", "toggle",
        "recent", "latest", "popular", "most", "top", "respond", "form", "open", "enabled", "closed", "has",
        "rss", "feed", "meta", "author", "date", "reply", "title", "heading",
    }
)  # fmt: skip
# Elements that can hold a comments region (not inline ones such as <a> or <span>: those
# are links and counters).
REGION_TAGS = frozenset({"div", "section", "ol", "ul", "aside", "article", "footer", "dl", "main"})
# A list of comments holds at least one comment of this many words: two short cells
# ("Comments", "Sign In") in a comments section are its toolbar.
MIN_LONGEST_WORDS = 6
# Elements that can be one comment of a list (a <p> is a paragraph of one comment).
ITEM_TAGS = frozenset({"li", "article", "div", "section", "dd"})
# Elements and class/id words inside a comment that are not its text: forms and buttons,
# its author and date line (read separately), reply/share/vote/report actions, a forum
# post's user card.
CHROME_TAGS = frozenset({"form", "button", "nav", "footer", "header", "label", "noscript"})
CHROME_WORDS = frozenset(
    {
        "reply", "replylink", "respond", "actions", "action", "toolbar", "share", "vote", "votes", "voting",
        "like", "likes", "report", "edit", "permalink", "avatar", "meta", "metadata", "commentmetadata",
        "author", "vcard", "fn", "says", "date", "time", "timestamp", "byline", "user", "username", "userdetails",
        "userextras", "userinfo", "profile", "signature", "attribution", "footer", "header", "pingback",
        "trackback",
    }
)  # fmt: skip
# schema.org properties of a comment that are its metadata, not its text.
META_PROPS = frozenset({"author", "creator", "dateCreated", "datePublished", "dateModified", "commentTime"})
# A heading that announces the comments below it: "5 Comments", "One response to ...",
# "3 thoughts on ...", "Kommentare", "12 Antworten zu ...". Forms ("Leave a Reply") are
# chrome, and what follows them is a form, not comments.
COMMENTS_HEADING = re.compile(
    r"^(?:\d+|one|two|three|ein|eine|zwei|drei)?\s*(?:comments?|responses?|replies|reader comments|thoughts on"
    r"|kommentare?|antworten|leserkommentare|commentaires?|réactions|comentarios|reacties)\b",
    re.IGNORECASE,
)
# An author name longer than this is a sentence the markup mislabelled, not a name.
MAX_AUTHOR_CHARS = 80
# A date (with its time and a "Reply" or "Edit" beside it) is shorter than this.
MAX_DATE_CHARS = 60
# A comment counts as part of the clean text when at least this share of its characters
# is in it: then the extractor took it as content (a forum thread's posts), and it is not
# listed again. Half: a comment whose one long line the text holds is content even if its
# short "+1" line was dropped.
IN_TEXT_SHARE = 0.5
_SPLIT = re.compile(r"[\s_\-:/.]+")
_SCHEMA_COMMENT = re.compile(r"schema\.org/(?:Comment|Answer)$", re.IGNORECASE)
_SCHEMA_REGION = re.compile(r"schema\.org/UserComments$", re.IGNORECASE)
_SAYS = re.compile(r"\s*(?:says|said|sagt|schreibt|schrieb|meint|a dit|dice|dijo|wrote)\s*:?\s*$", re.IGNORECASE)
# A comment's first line that only names its author: "Ann says:", "Kommentar von Ann".
_AUTHOR_LINE = re.compile(
    r"^(?P<a>\S.{0,60}?)\s+(?:says|said|sagt|schreibt|schrieb|meint|a dit|dice|dijo|wrote)\s*:$"
    r"|^(?:comment|kommentar|commentaire|comentario) (?:by|von|de|par) (?P<b>\S.{0,60})$",
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W\d_]")
# A comment of one short line that names the comments is the widget's own ("Loading
# Comments...", "Kommentar hinzufügen"); a pingback or trackback is another site's link.
MAX_CHROME_WORDS = 6
_CHROME_LINE = re.compile(r"comment|kommentar|antwort|reply|répon|coment|discuss", re.IGNORECASE)
_LINK_BACK = re.compile(r"^(?:pingback|trackback)\b", re.IGNORECASE)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True, slots=True)
class Comment:
    """One reader comment: its text (lines joined by newlines), and its author and date when the markup gives them."""

    text: str
    author: str | None = None
    date: str | None = None

    def as_record(self) -> dict[str, str]:
        """The comment as a record's ``comments`` entry: ``text``, with ``author`` and ``date`` when known."""
        record = {"text": self.text}
        if self.author:
            record["author"] = self.author
        if self.date:
            record["date"] = self.date
        return record


def words_of(element: Any) -> set[str]:
    """The lower-cased class and id words of an element (split at - _ : / . and spaces)."""
    value = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return {w for w in _SPLIT.split(value) if w and not w.isdigit()}


def _tag(element: Any) -> str:
    tag = element.tag
    return tag if isinstance(tag, str) else ""


def _is_schema_comment(element: Any) -> bool:
    return bool(_SCHEMA_COMMENT.search(element.get("itemtype") or "")) or element.get("itemprop") == "comment"


def _is_region(element: Any) -> bool:
    """Whether the markup names ``element`` as the comments of this page."""
    if _SCHEMA_REGION.search(element.get("itemtype") or "") or element.get("itemprop") == "comments":
        return True
    if _tag(element) not in REGION_TAGS or not (element.get("class") or element.get("id")):
        return False
    words = words_of(element)
    return not words.isdisjoint(COMMENT_WORDS) and words.isdisjoint(NOT_REGION_WORDS)


@dataclass(frozen=True, slots=True)
class Region:
    """A comment region: its elements (one, or those after a comments heading) and the comments in it."""

    elements: list[Any]
    items: list[Any]


def comment_regions(root: Any) -> list[Region]:
    """The comment regions of a page with their comments (:func:`comment_items`), in page order.

    Regions named by the markup come first, outermost only; a region holding no comment is
    left out. The heading fallback is tried only when no named region holds a comment.
    """
    regions: list[Region] = []
    covered: set[Any] = set()
    walker = lxml.etree.iterwalk(root, events=("start",))
    for _, element in walker:
        tag = _tag(element)
        if tag in SKIP_TAGS or tag in ("head", "form") or element in covered:
            walker.skip_subtree()
            continue
        if _is_region(element):
            elements = [element]
        elif _is_schema_comment(element):  # a Comment item outside a named region: its parent holds the list
            parent = element.getparent()
            elements = [element if parent is None else parent]
        else:
            continue
        items = comment_items(elements)
        if items:  # else a named region with no comment in it (a form): look inside it
            regions.append(Region(elements, items))
            covered.update(items)
            walker.skip_subtree()
    if regions:
        return regions
    for heading in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        if COMMENTS_HEADING.match(" ".join(heading.text_content().split())):
            following = _after(heading)
            items = comment_items(following)
            if items:
                regions.append(Region(following, items))
    return regions


def _after(heading: Any) -> list[Any]:
    """The elements after a heading, up to the next heading: its following siblings (its parent's when it has none)."""
    anchor = heading
    while anchor is not None and anchor.getnext() is None and _tag(anchor.getparent()) not in ("body", ""):
        anchor = anchor.getparent()
    out: list[Any] = []
    sibling = anchor.getnext() if anchor is not None else None
    while sibling is not None and _tag(sibling) not in _HEADINGS:
        if _tag(sibling):
            out.append(sibling)
        sibling = sibling.getnext()
    return out


def _has_letters(element: Any) -> bool:
    return any(_LETTER.search(t) for t in element.itertext())


def _is_chrome(element: Any) -> bool:
    """Whether an element is not a comment's text: a form, a heading, an author/date/actions element, a hidden one."""
    tag = _tag(element)
    if tag in CHROME_TAGS or tag in _HEADINGS or tag in SKIP_TAGS or element.get("itemprop") in META_PROPS:
        return True
    if element.get("hidden") is not None or "display:none" in (element.get("style") or "").replace(" ", ""):
        return True  # a template the page's script fills in, not a comment
    return not words_of(element).isdisjoint(CHROME_WORDS)


def comment_items(roots: list[Any]) -> list[Any]:
    """The comments in the region made of ``roots``, replies included, in page order.

    schema.org ``Comment`` (or ``Answer``) items when there are any; else the largest group
    of same-tag children of one element, children named ``comment`` preferred (see the
    module's docstring); a lone child is a comment only when it is named so. Replies are
    the elements of the group's tag in the region that carry the group's shared class
    words (its comment word when it has one), or, for an unnamed group of ``<li>`` or
    ``<article>``, the elements of that tag nested in its items.
    """
    schema = [e for r in roots for e in r.iter() if isinstance(e.tag, str) and _is_schema_comment(e)]
    if schema:
        return schema
    best: tuple[tuple[bool, int, int], list[Any]] | None = None
    parents: list[tuple[int, list[Any]]] = [(0, roots)] if len(roots) > 1 else []
    parents.extend(_parents(roots))
    for depth, children in parents:
        groups: dict[tuple[str, str], list[Any]] = {}
        for child in children:
            if _tag(child) in ITEM_TAGS and not _is_chrome(child):
                groups.setdefault(_signature(child), []).append(child)
        for group in groups.values():
            items = [i for i in group if _has_letters(i)]
            named = sum(not words_of(i).isdisjoint(COMMENT_WORDS) for i in items)
            if not items or (len(items) == 1 and not named):
                continue
            if max(len(" ".join(i.itertext()).split()) for i in items) < MIN_LONGEST_WORDS:
                continue
            key = (2 * named >= len(items), len(items), -depth)
            if best is None or key > best[0]:
                best = (key, items)
    if best is None:
        return []
    items = best[1]
    signature = _signature(items[0])
    outer = {a for r in roots for a in (r, *r.iterancestors())}
    if signature[1]:  # replies are the elements of the items' tag and first class word, nested or not
        found = [
            e
            for r in roots
            for e in r.iter(signature[0])
            if _signature(e) == signature and e not in outer and not _is_chrome(e) and _has_letters(e)
        ]
    elif signature[0] in ("li", "article"):
        found = [*items, *(e for i in items for e in i.iterdescendants(signature[0]) if _has_letters(e))]
    else:
        found = items
    return sorted(set(found), key=_position(roots))


def _signature(element: Any) -> tuple[str, str]:
    """What the comments of one list share: their tag and their first class word (``li``, ``comment``)."""
    words = (element.get("class") or "").lower().split()
    return _tag(element), _SPLIT.split(words[0])[0] if words else ""


def _parents(roots: list[Any]) -> Iterable[tuple[int, list[Any]]]:
    """The roots and every element below them, with their depth, each as the list of its element children."""
    stack = [(r, 1) for r in roots]
    while stack:
        element, depth = stack.pop()
        if _tag(element) in SKIP_TAGS or _tag(element) == "form":
            continue
        children = [c for c in element if isinstance(c.tag, str)]
        if children:
            yield depth, children
            stack.extend((c, depth + 1) for c in children)


def _position(roots: list[Any]) -> Any:
    index = {id(e): n for n, e in enumerate(e for r in roots for e in r.iter())}
    return lambda element: index.get(id(element), 0)


def read_comment(item: Any, others: set[Any] | frozenset[Any] = frozenset()) -> Comment | None:
    """The text, author and date of one comment element; None when it has no text of its own.

    ``others`` are the other comments of the page: a reply inside ``item`` is left out of
    its text.
    """
    author = _author(item)
    date = _date(item)
    lines: list[str] = []
    pieces: list[str] = []
    walker = lxml.etree.iterwalk(item, events=("start", "end"))
    for event, element in walker:
        tag = _tag(element)
        if event == "start":
            if element is not item and (element in others or _is_chrome(element)):
                walker.skip_subtree()
                continue  # its end event comes: the tail is read there
            if tag in BLOCK_TAGS:
                _end_line(pieces, lines)
            if element.text:
                pieces.append(element.text)
            continue
        if tag in BLOCK_TAGS:
            _end_line(pieces, lines)
        if element is not item and element.tail:
            pieces.append(element.tail)
    _end_line(pieces, lines)
    book = phrase_book()
    body = [line for line in lines if _LETTER.search(line) and not _is_widget_line(book, line)]
    named = _AUTHOR_LINE.match(body[0]) if len(body) > 1 else None
    if named:  # "Ann says:" heads the comment: its author, not its text
        author = author or named.group("a") or named.group("b")
        body = body[1:]
    if not body or _LINK_BACK.match(body[0]):
        return None
    if len(body) == 1 and len(body[0].split()) <= MAX_CHROME_WORDS and _CHROME_LINE.search(body[0]):
        return None
    return Comment("\n".join(body), author, date)


def _end_line(pieces: list[str], lines: list[str]) -> None:
    text = " ".join("".join(pieces).split())
    if text:
        lines.append(text)
    pieces.clear()


def _is_widget_line(book: Any, line: str) -> bool:
    """Whether a line of a comment is widget chrome by the ``comments.*`` phrase rules ("Reply", "Report")."""
    hit = book.match(line, normalise_line(line), len(line.split()))
    return hit is not None and hit.reason.startswith("comments.")


def _first(item: Any, test: Any) -> Any:
    for element in item.iterdescendants():
        if isinstance(element.tag, str) and test(element):
            return element
    return None


def _author(item: Any) -> str | None:
    """The comment's author: ``data-author``, ``itemprop="author"`` (its ``name``), or an ``fn``/``author`` element."""
    name = item.get("data-author")
    if not name:
        found = _first(item, lambda e: e.get("itemprop") in ("author", "creator"))
        if found is not None:
            inner = _first(found, lambda e: e.get("itemprop") == "name")
            found = inner if inner is not None else found
        else:
            found = _first(item, lambda e: "fn" in words_of(e))
        if found is None:
            found = _first(item, lambda e: not words_of(e).isdisjoint({"author", "username", "commenter"}))
        if found is None:
            return None
        name = found.get("content") or found.text_content()
    name = _SAYS.sub("", " ".join(name.split()))
    return name if 0 < len(name) <= MAX_AUTHOR_CHARS else None


# Class/id words of the elements a comment's date is read from when it has no <time> or
# itemprop date, in order: named dates first, then the meta line that usually holds one.
DATE_WORDS = ({"date", "time", "timestamp", "posted"}, {"commentmetadata", "meta", "metadata"})


def _date(item: Any) -> str | None:
    """The comment's date: ``<time datetime>``, an ``itemprop`` date, or a short date or meta element with digits."""
    found = _first(item, lambda e: e.get("itemprop") in ("dateCreated", "datePublished", "commentTime"))
    if found is None:
        found = _first(item, lambda e: _tag(e) == "time")
    if found is not None:
        value = " ".join((found.get("datetime") or found.get("content") or found.text_content()).split())
        return value if any(c.isdigit() for c in value) and len(value) <= MAX_DATE_CHARS else None
    for words in DATE_WORDS:
        for element in item.iterdescendants():
            if isinstance(element.tag, str) and not words_of(element).isdisjoint(words):
                value = " ".join(element.text_content().split())
                if any(c.isdigit() for c in value) and len(value) <= MAX_DATE_CHARS:
                    return value
    return None


def reader_comments(root: Any, text: str) -> list[Comment]:
    """The page's reader comments that its clean ``text`` does not hold, in page order."""
    items = [i for region in comment_regions(root) for i in region.items]
    others = set(items)
    comments = []
    for item in items:
        comment = read_comment(item, others)
        if comment is None:
            continue
        held = sum(len(line) for line in comment.text.split("\n") if line in text)
        if held < IN_TEXT_SHARE * (len(comment.text) - comment.text.count("\n")):
            comments.append(comment)
    return comments
