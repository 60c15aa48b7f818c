"""Thin wrappers around cleaner and the tools it is compared with.

Every HTML extractor here takes the page's raw bytes (each tool decodes them its own way,
as it would in a user's pipeline) and returns text. Text-path filters take a full-page
text dump (one block per line) and return the kept lines.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from typing import Any

# ISO 639-1 -> jusText stoplist name, for the languages devdata has (and a few more).
JUSTEXT_LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
    "cs": "Czech",
    "nl": "Dutch",
    "sv": "Swedish",
    "da": "Danish",
    "fi": "Finnish",
    "hu": "Hungarian",
    "ru": "Russian",
    "uk": "Ukrainian",
    "tr": "Turkish",
    "ko": "Korean",
    "el": "Greek",
    "ro": "Romanian",
    "sk": "Slovak",
}

# Languages with no jusText stoplist (Chinese, Japanese...): jusText's documented
# language-independent mode, an empty stoplist with both stopword thresholds at 0, so
# only length and link density decide. (trafilatura, when it falls back to jusText with
# no target language, passes the union of all stoplists, which holds no Chinese word
# either, so this is what it amounts to for those languages.)
_NO_STOPLIST_LANGS = frozenset({"zh", "ja", "th", "km", "lo", "my"})


def decode(data: bytes) -> str:
    """Decode raw HTML bytes with resiliparse's detector (BOM, <meta>, then content)."""
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    return str(bytes_to_str(data, detect_encoding(data) or "utf-8"))


# ----------------------------------------------------------------------------- HTML tools


def trafilatura_text(html: bytes, url: str | None = None, fast: bool = False) -> str:
    """trafilatura.extract without comments (``fast`` skips its fallback extractors)."""
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False, fast=fast) or ""


def trafilatura_metadata(html: bytes, url: str | None = None) -> dict[str, Any]:
    """Title, author and date as trafilatura's ``bare_extraction`` finds them."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)
    if doc is None:
        return {}
    if isinstance(doc, dict):  # trafilatura < 2 returned a dict
        return {k: doc.get(k) for k in ("title", "author", "date")}
    return {k: getattr(doc, k, None) for k in ("title", "author", "date")}


def justext_stoplist(lang: str | None) -> tuple[frozenset[str], dict[str, float]]:
    """Return the jusText stoplist for an ISO 639-1 code and extra keyword arguments.

    Unknown or missing language: English. Languages without a stoplist: the empty
    stoplist with zero thresholds (jusText's language-independent mode).
    """
    import justext

    code = (lang or "en").split("-")[0].lower()
    if code in _NO_STOPLIST_LANGS:
        return frozenset(), {"stopwords_low": 0.0, "stopwords_high": 0.0}
    return justext.get_stoplist(JUSTEXT_LANGUAGES.get(code, "English")), {}


def justext_text(html: bytes | str, lang: str | None = None) -> str:
    """jusText's non-boilerplate paragraphs, one a line."""
    import justext

    stoplist, kwargs = justext_stoplist(lang)
    paragraphs = justext.justext(html, stoplist, **kwargs)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def resiliparse_main(html: bytes) -> str:
    """resiliparse's plain-text extraction with its main-content heuristics."""
    from resiliparse.extract.html2text import extract_plain_text

    return str(extract_plain_text(decode(html), main_content=True))


class CleanerUnavailable(RuntimeError):
    """cleaner.clean is not there yet (or fails to import)."""


def cleaner_api() -> tuple[Callable[..., Any], Any]:
    """Return ``(cleaner.clean, Config)`` or raise CleanerUnavailable saying why."""
    try:
        import cleaner
        from cleaner.config import Config
    except Exception as exc:  # any import-time failure of the package under development
        raise CleanerUnavailable(f"cannot import cleaner: {exc!r}") from exc
    clean = getattr(cleaner, "clean", None)
    if clean is None:
        raise CleanerUnavailable("cleaner.clean() does not exist yet: cleaner's rows are skipped")
    return clean, Config


def cleaner_html(html: bytes, url: str | None, extractor: str, model: str | None = None) -> tuple[str, dict[str, Any]]:
    """cleaner.clean on an HTML page: its text and its metadata (``model``: a learned model file)."""
    clean, config = cleaner_api()
    result = clean(html, url=url, config=config(extractor=extractor, model=model))
    return _result_text(result), dict(getattr(result, "metadata", {}) or {})


def cleaner_text(dump: str, extractor: str, text_model: str | None = None) -> str:
    """cleaner.clean on a text dump (``input_type="text"``; ``text_model``: a text-line model file)."""
    clean, config = cleaner_api()
    return _result_text(clean(dump, input_type="text", config=config(extractor=extractor, text_model=text_model)))


def _result_text(result: Any) -> str:
    if getattr(result, "status", "ok") == "error":
        error = getattr(result, "error", None)
        raise RuntimeError(f"cleaner error: {getattr(error, 'type', '?')}: {getattr(error, 'message', '')}")
    return str(getattr(result, "text", "") or "")


# ----------------------------------------------------------------------------- text path


def keep_all(dump: str) -> str:
    """Keep every line of the dump (the recall ceiling of the text path)."""
    return dump


def justext_lines(dump: str, lang: str | None = None) -> str:
    """jusText over a text dump: every line becomes a ``<p>`` and is classified as usual."""
    lines = [line for line in dump.splitlines() if line.strip()]
    if not lines:
        return ""
    markup = "<html><body>" + "".join(f"<p>{html_lib.escape(line)}</p>" for line in lines) + "</body></html>"
    return justext_text(markup, lang)


# C4's line filter (Raffel et al. 2020, "Exploring the Limits of Transfer Learning", §2.2,
# as implemented in tensorflow_datasets c4_utils.clean_page):
# - a line must end in terminal punctuation: . ? ! or a closing double quote, and not in "...";
C4_END_MARKS = (".", "?", "!", '"')
C4_ELLIPSIS = "..."
# - and have at least 5 words (the paper and c4_utils: min_words_per_line=5; the
#   "3" that is sometimes quoted is the minimum number of sentences per page, below);
C4_MIN_WORDS_PER_LINE = 5
# - a page keeps at least 3 sentences, or is dropped as a whole;
C4_MIN_SENTENCES = 3
# - a line with a word longer than 1000 characters is dropped (c4_utils max_word_length);
C4_MAX_WORD_LENGTH = 1000
# - lines mentioning javascript (enable-javascript notices) and policy lines are dropped;
C4_POLICY_SUBSTRINGS = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
# - citation markers are removed from the line: [1], [edit], [citation needed];
C4_CITATION_RE = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")
# - a page with "lorem ipsum", or a curly brace (code) in a kept line, is dropped whole.
# (The bad-words page filter and the 3-sentence span dedup are corpus-level: not applied.)
# Sentences are counted with a simple splitter on terminal punctuation followed by space,
# instead of NLTK's punkt tokenizer used by c4_utils.
_SENTENCE_END_RE = re.compile(r"[.!?][\"')\]]*(?:\s+|$)")


def c4_filter(dump: str, page_rules: bool = True) -> str:
    """C4's line filter over a text dump (see the constants above).

    With ``page_rules=False`` the page-level drops (lorem ipsum, curly brace, fewer than
    3 sentences) only drop the offending line, never the page: a pure line filter.
    """
    kept: list[str] = []
    sentences = 0
    for raw in dump.splitlines():
        line = raw.strip()
        words = line.split()
        if any(len(w) > C4_MAX_WORD_LENGTH for w in words):
            continue
        line = C4_CITATION_RE.sub("", line)
        if not line.endswith(C4_END_MARKS) or line.endswith(C4_ELLIPSIS):
            continue
        if len(line.split()) < C4_MIN_WORDS_PER_LINE:
            continue
        lower = line.lower()
        if "lorem ipsum" in lower:
            if page_rules:
                return ""
            continue
        if "javascript" in lower:
            continue
        if "{" in line:
            if page_rules:
                return ""
            continue
        if any(p in lower for p in C4_POLICY_SUBSTRINGS):
            continue
        sentences += max(1, len(_SENTENCE_END_RE.findall(line)))
        kept.append(line)
    if page_rules and sentences < C4_MIN_SENTENCES:
        return ""
    return "\n".join(kept)
