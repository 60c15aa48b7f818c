"""What a person's name looks like: a name cleaned of its "By" prefix and labels, a list of names split.

:func:`clean_name` tells a plausible name from a url, a handle, a date, a label or a
sentence; :func:`split_names` splits "Ann Lee and Bo Chan" and keeps "Ann Lee, MD" whole;
:func:`whole_name` is the stricter check for text nothing declares a name. The readers of
:mod:`cleaner.meta.author` use them on every source.
"""

from __future__ import annotations

import re
from typing import Any

from cleaner.meta.page import clean_space

# Names longer than this many words are sentences or job titles, not names: Spanish and
# Portuguese names run to six ("Maria de los Angeles Garcia Lopez"); on the devdata pages
# 99% of the names found have at most four.
MAX_NAME_WORDS = 6
# A single name is at most this long (six long words); "names" beyond are paragraphs.
MAX_NAME_CHARS = 80
# A lower-case word inside a name is a particle: "de", "van", "von", "bin", "al" have at
# most three letters; a longer one ("says", "written") is a word of a sentence.
MAX_PARTICLE_CHARS = 3
# A name shown without "By" beside a date is two to four words ("Ann Lee", "Ann B. Lee
# Smith"): one word beside a date is a section or a site ("News", "Reuters").
MIN_SHOWN_NAME_WORDS, MAX_SHOWN_NAME_WORDS = 2, 4
# Urls, domains, handles and e-mail addresses are no names.
_URLISH = re.compile(r"^(?:https?:|www\.)|\.(?:com|org|net|co\.uk)\b|/|@\w|\w@\w", re.IGNORECASE)
# "By Ann Lee", "Written by Ann Lee", "View all posts by Ann Lee": a few words, then "by";
# or a label: "Author: Ann Lee", "Autorin: Ann Lee", "Auteur : Ann Lee", "Author Ann Lee"
# (an English label without its colon, in a box of its own above the name).
# Or, at the very start only (inside a name, "von" is a particle: "Ursula von der Leyen"),
# the German, French, Spanish and Portuguese "by": "Von Anna Schmidt", "Par Jean Dupont".
BY_PREFIX = re.compile(
    r"^\s*(?:(?:[^\W\d]+\s+){0,4}?by[:\s]+|(?:authors?|autor(?:in|es)?|auteur|autore)\s*:\s*"
    r"|authors?\s+(?-i:(?=[A-Z]))"
    r"|(?:von|par|por)\s+(?=[^\W\d_]))",
    re.IGNORECASE,
)
# Words of a date or of a post's metadata: a "name" made of these only is a date cut out of
# a byline ("Sun Dec", "Updated January", "May").
_DATE_WORDS = frozenset(
    {
        "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july",
        "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december",
        "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs", "thursday",
        "fri", "friday", "sat", "saturday", "sun", "sunday", "updated", "published", "posted", "modified",
        "reviewed", "last",
    }
)  # fmt: skip
# Words of the labels around a byline: "Full Bio", "Topic Author", "View Profile". No name
# holds them.
_LABEL_WORDS = frozenset({"author", "authors", "bio", "biography", "profile"})
# A credential or an agency after a name: "MD", "M.D.", "RD", "CNN", "AP", "PhD", "Jr.".
_AFFILIATION = re.compile(r"^(?:(?:[A-Z]\.?){2,6}|Ph\.?\s?D\.?|MSc|BSc|MBA|Jr\.?|Sr\.?|Esq\.?)$")
# A user name: one word of letters with digits, dots, dashes or underscores ("paulb203", "b.scherer").
_HANDLE = re.compile(r"^[^\W\d_][\w.\-]*$")
# Characters no name holds: form labels ("Name *", "Name (required)"), anchors, exclamations.
_NOT_IN_NAMES = re.compile(r"[*()\[\]{}<>#=+!?:\\]")
# Between names: "Ann Lee and Bo Chan", "Ann Lee, Bo Chan & Cy Doe", "Ann Lee; Bo Chan".
_NAME_SEPARATORS = re.compile(r"\s*(?:;|,|\s&\s|\band\b|\bund\b|\bet\b|\by\b|\|)\s*", re.IGNORECASE)
# A parenthesised part of a name is a role or a nickname: "James Clear (Author)", "Richard (R.J.) Eskow".
_PARENTHESES = re.compile(r"\s*\([^()]*\)")


def clean_name(value: Any, *, declared: bool = False) -> str | None:
    """A person's name as shown, or None when ``value`` is not a plausible name.

    ``declared``: the value comes from markup that declares it an author's name (JSON-LD,
    a meta tag, ``itemprop="author"``), where a user name with digits ("paulb203") is one.
    """
    text = clean_space(value) if isinstance(value, str) else None
    if text and "(" in text:
        text = clean_space(_PARENTHESES.sub("", text))
    if not text:
        return None
    text = BY_PREFIX.sub("", text).strip(" ,;:|-–—·•")
    if not text or len(text) > MAX_NAME_CHARS or _URLISH.search(text) or _NOT_IN_NAMES.search(text):
        return None
    words = text.split()
    folded = {word.strip(".,").casefold() for word in words}
    if folded <= _DATE_WORDS or folded & _LABEL_WORDS:
        return None
    if declared and len(words) == 1 and _HANDLE.match(text):
        return text
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
    if text == text.lower() or text == text.upper() or len(words) == 1:  # one word is no sentence: "xJewishNinjax"
        return True
    last = len(words) - 1
    for i, word in enumerate(words):
        if word[0].islower() and (len(word) > MAX_PARTICLE_CHARS or (i == last and "," not in text)):
            return False
    return True


def split_names(text: str, *, declared: bool = False) -> list[str]:
    """The names in one author string ("Ann Lee and Bo Chan" -> two names; "Ann Lee, MD" -> one).

    ``declared``: see :func:`clean_name`.
    """
    text = BY_PREFIX.sub("", clean_space(text) or "")
    if "(" in text:  # before splitting: "Ann Lee (with Bo Chan, Cy Doe)" is one name and a remark
        text = _PARENTHESES.sub("", text)
    names = [name for part in _NAME_SEPARATORS.split(text) if (name := clean_name(part, declared=declared))]
    people = [name for name in names if not _AFFILIATION.match(name)]
    return people or names


def whole_name(text: str) -> bool:
    """Tell whether ``text`` is a name and nothing else: two to four capitalised words, no comma.

    Stricter than :func:`clean_name`, for text that no "By" or markup says is a name.
    """
    words = text.split()
    return (
        "," not in text
        and MIN_SHOWN_NAME_WORDS <= len(words) <= MAX_SHOWN_NAME_WORDS
        and all(w[0].isupper() for w in words)
        and clean_name(text) is not None
    )
