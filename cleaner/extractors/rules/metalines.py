"""Lines of a text dump that carry metadata: bylines, source lines and date lines.

The first pass (:mod:`cleaner.extractors.rules.lines`) moves such a line out of the text
with a ``meta.*`` reason; :func:`text_metadata` reads the fields back out of the
decisions. Dates are read in English, German, French and Spanish with the month table of
:mod:`cleaner.meta.date`; the patterns differ from that module's (which read HTML
datelines in English): a dump's date line may be written d/m/y or in another language,
and its year is not bounded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cleaner.meta.author import split_names
from cleaner.meta.date import calendar_date
from cleaner.model import Block, Decision
from cleaner.page.features import LineFeatures

_BYLINE = re.compile(
    r"^(?:by|written by|words by|reporting by|reported by|story by|text by|posted by|author|authors|autor(?:in)?|"
    r"von|text|par|por|escrito por|texto|redacción)\s*[:|-]?\s+(?P<name>\S.*)$",
    re.I,
)
_SOURCE = re.compile(r"^(?:source|quelle|fuente|source|via)\s*:\s*(?P<name>\S.{0,60})$", re.I)
_MONTHS = (
    "jan(?:uary|uar|vier|\\.)?|feb(?:ruary|ruar|\\.)?|f[ée]v(?:rier|\\.)?|mar(?:ch|\\.)?|m[äa]rz|mars|apr(?:il|\\.)?|"
    "avril|abr(?:il)?|may|mai|mayo|jun(?:e|i|\\.)?|juin|junio|jul(?:y|i|\\.)?|juillet|julio|aug(?:ust|\\.)?|ao[ûu]t|"
    "ago(?:sto)?|sep(?:t(?:ember|embre|iembre)?|\\.)?|oct(?:ober|obre|\\.)?|okt(?:ober)?|octubre|nov(?:ember|embre|"
    "iembre|\\.)?|dec(?:ember|\\.)?|dez(?:ember)?|d[ée]c(?:embre)?|dic(?:iembre)?|enero|febrero|marzo|janvier"
)
_DATE_TEXT = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?(?P<m1>{_MONTHS})\.?,?\s+(?:de\s+)?(?P<y1>\d{{4}})|"
    rf"(?P<m2>{_MONTHS})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})|"
    r"(?P<y3>\d{4})[-/.](?P<mo3>\d{1,2})[-/.](?P<d3>\d{1,2})|"
    r"(?P<d4>\d{1,2})[./](?P<mo4>\d{1,2})[./](?P<y4>\d{4}))\b",
    re.I,
)
_DATE_PREFIX = re.compile(
    r"^(?:published|updated|posted|last updated|last modified|modified|date|dated|on|veröffentlicht|aktualisiert|"
    r"stand|datum|publié|mis à jour|le|publicado|actualizado|fecha)\b",
    re.I,
)
# A date line: the date plus a few words (weekday, time, "Updated", zone). Longer lines
# carry a sentence that merely mentions a date.
DATE_LINE_MAX_WORDS = 14
# A date line is mostly its date. Without a prefix ("Updated", "Published") it has at most
# this many words: a date with its weekday, time and zone ("Mon 23 Dec 2023 4:04 EST")...
DATE_LINE_FEW_WORDS = 6
# ... or its digits are more than this share of its characters: a numeric date with a
# time ("2023-12-22 12:16") is three quarters digits, a title mentioning a year a few percent.
DATE_LINE_DIGIT_SHARE = 0.15
# A byline names one to a few people: "By Jane Doe and John Roe" is at most ~8 words.
BYLINE_MAX_WORDS = 10
# Characters trimmed from the ends of a byline's names: separators left by the prefix.
_NAME_EDGES = " |,-–—"


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``, or None when none parses."""
    m = _DATE_TEXT.search(text)
    if not m:
        return None
    g = m.groupdict()
    if g["y1"] or g["y2"]:
        found = calendar_date(g["y1"] or g["y2"], g["m1"] or g["m2"], g["d1"] or g["d2"])
    elif g["y3"]:
        found = calendar_date(g["y3"], g["mo3"], g["d3"])
    else:
        found = calendar_date(g["y4"], g["mo4"], g["d4"])
    return found.isoformat() if found is not None else None


def byline_name(text: str, f: LineFeatures) -> str | None:
    """The names of a byline line ("By Jane Doe" -> "Jane Doe"), or None when the line is no byline."""
    if f.words > BYLINE_MAX_WORDS or f.sentences:
        return None
    m = _BYLINE.match(text)
    if not m:
        return None
    name = m.group("name").strip(_NAME_EDGES)
    tokens = name.split()
    # A name is capitalised: "By Wednesday afternoon, activists ..." fails on its length,
    # "by the way" on its case.
    if not tokens or not tokens[0][:1].isupper() or text.endswith((".", "!", "?")) and not text[-3:-2].isupper():
        return None
    return name


def source_name(text: str) -> str | None:
    """The name of a "Source: X" line, or None when the line is no source line."""
    m = _SOURCE.match(text)
    return m.group("name").strip() if m else None


def date_line(text: str, f: LineFeatures) -> str | None:
    """The ISO date of a date line ("Updated Dec. 23, 2023 4:04AM EST"), None for any other line."""
    if f.words > DATE_LINE_MAX_WORDS or f.digit_ratio <= 0 or f.sentences > 1:
        return None
    iso = parse_date(text)
    if iso and (_DATE_PREFIX.match(text) or f.words <= DATE_LINE_FEW_WORDS or f.digit_ratio > DATE_LINE_DIGIT_SHARE):
        return iso
    return None


def text_metadata(blocks: Sequence[Block], decisions: Sequence[Decision]) -> dict[str, str]:
    """The metadata the rules moved out of the text: title, author, date, sitename.

    Title from the ``meta.title`` block; authors from a byline with its prefix ("By",
    "Reporting by:") stripped, several joined by "; " as for HTML pages; sitename from a
    "Source: X" line; date as ISO YYYY-MM-DD from a date line, None when it is ambiguous
    ("03/04/2023": March or April). Fields the dump does not state are left out.
    """
    out: dict[str, str] = {}
    for d in decisions:
        text = blocks[d.block].text
        if d.reason == "meta.title" and "title" not in out:
            out["title"] = text
        elif d.reason == "meta.author" and "author" not in out:
            authors = byline_authors(text)
            if authors:
                out["author"] = authors
        elif d.reason == "meta.source" and "sitename" not in out:
            out["sitename"] = source_name(text) or text
        elif d.reason == "meta.date" and "date" not in out:
            iso = unambiguous_date(text)
            if iso:
                out["date"] = iso
    return out


def byline_authors(text: str) -> str | None:
    """The names of a byline line, "; "-joined ("By Ann Lee and Bo Chan" -> "Ann Lee; Bo Chan")."""
    m = _BYLINE.match(text)
    names = split_names(m.group("name").strip(_NAME_EDGES) if m else text)
    return "; ".join(dict.fromkeys(names)) or None


def unambiguous_date(text: str) -> str | None:
    """The date of a date line; None when it is written d/m/y or m/d/y with both parts <= 12."""
    m = _DATE_TEXT.search(text)
    if m and m["d4"] and "/" in m.group(0) and m["d4"] != m["mo4"] and int(m["d4"]) <= 12 and int(m["mo4"]) <= 12:
        return None
    return parse_date(text)
