"""Language identification and stopword lists.

:func:`identify` runs py3langid (its model ships in the wheel, no network) on a sample of
a document's longest-looking lines; :func:`stopwords` maps the ISO 639-1 code onto
jusText's stoplists, cached per language; :func:`html_lang_code` reads the language a page
declares in ``<html lang>``. A page identifies its language once, as one of its facts
(:class:`cleaner.page.facts.Page`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import justext
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# ISO 639-1 -> the name of jusText's stoplist. Only languages both tools know.
JUSTEXT_NAMES: dict[str, str] = {
    "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "an": "Aragonese", "hy": "Armenian",
    "ast": "Asturian", "az": "Azerbaijani", "eu": "Basque", "be": "Belarusian", "bn": "Bengali",
    "bs": "Bosnian", "br": "Breton", "bg": "Bulgarian", "ca": "Catalan", "ceb": "Cebuano",
    "cv": "Chuvash", "hr": "Croatian", "cs": "Czech", "da": "Danish", "nl": "Dutch",
    "en": "English", "eo": "Esperanto", "et": "Estonian", "fi": "Finnish", "fr": "French",
    "gl": "Galician", "ka": "Georgian", "de": "German", "el": "Greek", "gu": "Gujarati",
    "ht": "Haitian", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "is": "Icelandic",
    "io": "Ido", "ig": "Igbo", "id": "Indonesian", "ga": "Irish", "it": "Italian",
    "jv": "Javanese", "kn": "Kannada", "kk": "Kazakh", "ko": "Korean", "ku": "Kurdish",
    "ky": "Kyrgyz", "la": "Latin", "lv": "Latvian", "lt": "Lithuanian", "lb": "Luxembourgish",
    "mk": "Macedonian", "ms": "Malay", "ml": "Malayalam", "mt": "Maltese", "mr": "Marathi",
    "ne": "Nepali", "nb": "Norwegian_Bokmal", "no": "Norwegian_Bokmal", "nn": "Norwegian_Nynorsk",
    "oc": "Occitan", "fa": "Persian", "pl": "Polish", "pt": "Portuguese", "qu": "Quechua",
    "ro": "Romanian", "ru": "Russian", "sr": "Serbian", "sh": "Serbo_Croatian", "sk": "Slovak",
    "sl": "Slovenian", "es": "Spanish", "su": "Sundanese", "sw": "Swahili", "sv": "Swedish",
    "tl": "Tagalog", "ta": "Tamil", "te": "Telugu", "tr": "Turkish", "tk": "Turkmen",
    "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "vo": "Volapuk",
    "wa": "Walloon", "cy": "Welsh", "fy": "West_Frisian", "yo": "Yoruba",
}  # fmt: skip

# Languages written without spaces between words: word counts and stopwords do not apply,
# the rules measure them in characters instead.
UNSEGMENTED: frozenset[str] = frozenset({"zh", "ja", "th", "lo", "km", "my"})

# A line shorter than this many characters says little about the language (menus, dates):
# the sample prefers the longer lines, which are mostly prose.
_MIN_SAMPLE_LINE = 40
# py3langid is accurate from a few hundred characters of prose on; its tokenizer walks the
# sample byte by byte in Python (~1 microsecond a byte), so 1200 characters keep it near
# one millisecond a document, a third of the budget at 5 MB/s.
_SAMPLE_CHARS = 1200
# Below this normalised probability the identification is a guess: report None instead.
_MIN_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's identifier, its model loaded on first use (about a second)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def sample(lines: Iterable[str], limit: int = _SAMPLE_CHARS) -> str:
    """Join the long lines of a document, up to ``limit`` characters, for identification.

    Falls back to every line when the document has no long line.
    """
    lines = list(lines)
    picked: list[str] = []
    size = 0
    for line in lines:
        if len(line) >= _MIN_SAMPLE_LINE:
            picked.append(line)
            size += len(line)
            if size >= limit:
                break
    if size < _MIN_SAMPLE_LINE:
        picked = lines
    return "\n".join(picked)[:limit]


def identify(text: str) -> str | None:
    """Return the ISO 639-1 code of ``text``'s language, or None when unsure or empty.

    Only the first few thousand characters of long lines are read (see :func:`sample`).
    """
    if not text or not text.strip():
        return None
    snippet = sample(text.split("\n"))
    if not snippet.strip():  # str.strip and the regex \s share one definition of white space
        return None
    lang, conf = _identifier().classify(snippet)
    if conf < _MIN_CONFIDENCE or lang == "und":
        return None
    return str(lang)


@lru_cache(maxsize=64)
def stopwords(lang: str | None) -> frozenset[str]:
    """The lower-cased stopwords of a language (jusText's lists); empty when unknown.

    ``None`` (language not identified) gets the English list, the most common language of
    web corpora, so stopword density still separates prose from menus.
    """
    name = JUSTEXT_NAMES.get(lang or "en")
    if name is None:
        return frozenset()
    return frozenset(w.lower() for w in justext.get_stoplist(name))


def page_stopwords(lang: str | None) -> frozenset[str]:
    """The stopwords a page's features count: none for unsegmented scripts (zh, ja...)."""
    return frozenset() if lang in UNSEGMENTED else stopwords(lang)


# A declared language is trusted for the stopword features only when it is one of these
# two-letter codes with a stopword list: a wrong or odd lang attribute ("x-default",
# "en-US-posix") falls back to identification from the text.
_STOPLIST_LANG_ATTR = re.compile(r"^\s*([a-z]{2})(?:[-_][a-z0-9]+)*\s*$", re.IGNORECASE)


def html_lang_code(tree: Any) -> str | None:
    """The two-letter code of ``<html lang>`` (or ``xml:lang``) when jusText has a stoplist for it, else None.

    Reading the attribute costs nothing, where identifying the language from the text
    costs about a millisecond a page; the learned model's features take their stopword
    list from it. (The metadata's ``language`` reads the declaration more widely:
    :func:`cleaner.meta.html.declared_language`.)
    """
    if tree is None:
        return None
    match = _STOPLIST_LANG_ATTR.match(tree.get("lang") or tree.get("xml:lang") or "")
    if match is None:
        return None
    code = match.group(1).lower()
    return code if code in JUSTEXT_NAMES else None
