"""Bytes -> str for web pages and text dumps, the way a browser would, and never raising.

:func:`decode_html` follows the order of the WHATWG encoding sniffing algorithm, simplified:
a byte-order mark; the charset of the HTTP ``Content-Type`` header (``charset_hint``); a
``<meta charset>`` / ``<meta http-equiv>`` / XML declaration near the top; then, when
nothing usable was declared, strict UTF-8 (most pages), detection with charset-normalizer
on a bounded window, and finally UTF-8 with replacement characters.

Two corrections to "the declaration always wins", both because real crawls need them:

- A declared legacy charset (servers default to ISO-8859-1) loses to UTF-8 when the bytes
  hold non-ASCII and are valid UTF-8: a legacy-encoded text almost never is.
- A declaration that leaves many undecodable bytes is wrong (a ``utf-8`` page saved as
  windows-1252): it falls through to detection.

:func:`decode_text` does the same for plain-text dumps, which declare nothing.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["decode_html", "decode_text", "normalise_charset", "find_declared_charset", "repair_double_utf8"]

# Byte-order marks, longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Where a <meta> charset may sit. WHATWG's prescan reads 1024 bytes; real pages often put
# a long <script>/<style> or comment first, and 4 KB still costs nothing to scan.
_META_SCAN_BYTES = 4096

# Detection runs on a window around the first non-UTF-8 byte, never on the whole page:
# 64 KB takes charset-normalizer about 4 ms (measured on a devdata page) and holds plenty
# of non-ASCII text, where 10 MB would take the better part of a second.
_DETECT_WINDOW = 65_536
# ...starting this far before that byte, so the window holds the text that leads up to it.
_DETECT_BACK = 1024

# A declared charset is trusted while it leaves at most one undecodable byte per this many
# bytes (plus one): a stray broken byte in a UTF-8 page stays UTF-8, whereas a cp1252 page
# declared UTF-8 (several accented letters or curly quotes per KB) falls through to detection.
_TRUSTED_ERROR_RATE = 10_000

# charset-normalizer ranks single-byte code pages by a "chaos" (mess) ratio that cannot tell
# windows-1252 from cp1250/cp1257 on short Western text (measured: "Le café est très bon à
# Paris. Ça coûte cher" came out cp1257, with cp1252 0.108 behind in chaos and 0.004 in
# coherence). windows-1252 is by far the most common legacy web encoding (and WHATWG's
# default), so it wins when it is this close to the best guess in chaos...
_CP1252_CHAOS_MARGIN = 0.15
# ...and in language coherence: Turkish in cp1254 also decodes cleanly as cp1252 (same
# chaos), but its coherence is 0.06 lower there, which must keep cp1254.
_CP1252_COHERENCE_MARGIN = 0.03

# WHATWG decodes these labels as their supersets; Python's codecs would mis-decode or fail on
# bytes every browser accepts (e.g. 0x80-0x9F in "ISO-8859-1" pages are cp1252 punctuation).
_SUPERSETS: dict[str, str] = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}

# UTF-16 without a byte-order mark is told from the NUL bytes of the first 1 KB: a page's
# head is markup, so at least a third of its code units are ASCII (NUL high byte), while
# at most 1 in 20 NULs may sit on the other parity (code units such as U+0100 'Ā'); a
# head under 8 code units is too short to tell.
_UTF16_SNIFF_BYTES = 1024
_UTF16_NUL_SHARE = 1 / 3
_UTF16_STRAY_SHARE = 0.05
_UTF16_MIN_UNITS = 8

# Python codecs that are not web text encodings: never decode a page with them.
_NOT_WEB_ENCODINGS = frozenset({"utf-7", "undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode"})

# Text encoded twice: a C1 control character (U+0080-U+009F) is never text... It is
# looked for in the text's UTF-8 bytes, where it is always the lead byte C2 and a byte
# 80-9F (C2 is no continuation byte): a search for a literal byte runs at memory speed,
# the same class of characters over a str at about 5 ns a character (1 ms of a page).
_C1_CONTROL_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
# ...and a UTF-8 character read as Latin-1 is a lead byte (U+00C2-U+00F4) and one to three
# continuation bytes (U+0080-U+00BF).
_DOUBLE_UTF8_RUN = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]{1,3}")

_META_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE)
_XML_DECL_RE = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE)
_CHARSET_PARAM_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE)


def normalise_charset(label: str | None) -> str | None:
    """Map a charset label to the Python codec to decode it with, or None if unusable.

    Accepts a bare label (``"ISO-8859-1"``) or a whole ``Content-Type`` value
    (``"text/html; charset=utf-8"``). Unknown, non-text and unsafe labels give None.
    """
    if not label:
        return None
    match = _CHARSET_PARAM_RE.search(label)
    name = (match.group(1) if match else label).strip().strip("\"'").lower()
    if not name or len(name) > 40:  # no real label is longer; junk headers are
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_WEB_ENCODINGS:
        return None
    return _SUPERSETS.get(info.name, info.name)


def find_declared_charset(head: bytes) -> str | None:
    """Return the charset a page declares in ``<meta>`` or its XML declaration, normalised, or None."""
    head = head[:_META_SCAN_BYTES]
    for pattern in (_META_RE, _XML_DECL_RE):
        for match in pattern.finditer(head):
            name = normalise_charset(match.group(1).decode("ascii", "replace"))
            if name is None:
                continue
            # A page that could be read far enough to find an ASCII <meta> is not UTF-16/32:
            # WHATWG treats such a declaration as UTF-8.
            return "utf-8" if name.startswith(("utf-16", "utf-32")) else name
    return None


def decode_html(data: bytes, charset_hint: str | None = None) -> tuple[str, str]:
    """Decode an HTML page's bytes; return ``(text, encoding_used)``. Never raises.

    Order: BOM; ``charset_hint`` (the HTTP header's charset); ``<meta>`` charset in the
    first 4 KB; strict UTF-8; charset-normalizer on a bounded window; UTF-8 with
    replacement. See the module docstring for the two corrections to declared charsets.
    Text encoded twice is repaired (:func:`repair_double_utf8`).
    """
    text, encoding = _decode_html(data, charset_hint)
    return repair_double_utf8(text), encoding


def _decode_html(data: bytes, charset_hint: str | None) -> tuple[str, str]:
    """:func:`decode_html` before the repair."""
    if not data:
        return "", "utf-8"
    bom = _decode_bom(data) or _decode_utf16_without_bom(data)
    if bom is not None:
        return bom
    for declared in (normalise_charset(charset_hint), find_declared_charset(data)):
        if declared is None:
            continue
        result = _decode_declared(data, declared)
        if result is not None:
            return result
    return _decode_undeclared(data)


def repair_double_utf8(text: str) -> str:
    r"""``text`` with UTF-8 that was encoded twice made right ("Investorâ\x80\x99s" -> "Investor’s").

    A page written as UTF-8, read as Latin-1 by some tool and written again as UTF-8 holds
    C1 control characters (U+0080-U+009F), which no text uses: their presence is the
    evidence. On such a page every run of characters that are the bytes of one UTF-8
    character ("â\x80\x94" for "—", "Ã©" for "é", "Â¶" for "¶") is decoded back. A page
    without a C1 character is returned as it is (one search of the text's UTF-8 bytes).
    """
    if text.isascii() or _C1_CONTROL_UTF8.search(text.encode("utf-8", "surrogatepass")) is None:
        return text
    return _DOUBLE_UTF8_RUN.sub(_undo_double_utf8, text)


def _undo_double_utf8(match: re.Match[str]) -> str:
    """One run of :data:`_DOUBLE_UTF8_RUN` decoded back, or left as it is when its bytes are no UTF-8."""
    run = match.group()
    try:
        return run.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return run


def decode_text(data: bytes) -> str:
    """Decode a plain-text dump: BOM, strict UTF-8, detection, then UTF-8 with replacement; repaired as HTML is."""
    if not data:
        return ""
    bom = _decode_bom(data) or _decode_utf16_without_bom(data)
    return repair_double_utf8(bom[0] if bom is not None else _decode_undeclared(data)[0])


def _decode_bom(data: bytes) -> tuple[str, str] | None:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return data[len(mark) :].decode(encoding, "replace"), encoding
    return None


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Decode UTF-16 written without a byte-order mark, told by its NUL bytes; None for anything else.

    Markup and most text of the languages cleaner meets are ASCII characters, whose UTF-16
    code units have a NUL high byte: at the odd offsets in little-endian, the even ones in
    big-endian. Other encodings have no NUL at all (or a stray one), so a head with NULs
    at one parity only is UTF-16. Browsers would show such a page as mojibake; the
    readers and :func:`cleaner.io.sniff.looks_binary` let it through as text.
    """
    head = data[:_UTF16_SNIFF_BYTES]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    units = len(head) // 2
    if units < _UTF16_MIN_UNITS:
        return None
    for nuls, others, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= units * _UTF16_NUL_SHARE and others <= nuls * _UTF16_STRAY_SHARE:
            return data[: len(data) // 2 * 2].decode(encoding, "replace"), encoding
    return None


def _decode_declared(data: bytes, encoding: str) -> tuple[str, str] | None:
    """Decode with a declared charset, or None when the declaration is evidently wrong."""
    if encoding != "utf-8" and not data.isascii():
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        pass
    except Exception:  # a codec that fails on its own (LookupError, buggy codec): not usable
        return None
    text = data.decode(encoding, "replace")
    if text.count("\ufffd") <= 1 + len(data) // _TRUSTED_ERROR_RATE:
        return text, encoding
    return None


def _decode_undeclared(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    detected = _detect(data, first_bad)
    if detected is not None:
        try:
            return data.decode(detected, "replace"), detected
        except Exception:  # a codec failing on its own: fall through to UTF-8
            pass
    return data.decode("utf-8", "replace"), "utf-8"


def _detect(data: bytes, first_bad: int) -> str | None:
    """Guess the encoding from a window around the first non-UTF-8 byte."""
    start = max(0, first_bad - _DETECT_BACK)
    window = data[start : start + _DETECT_WINDOW]
    try:
        matches = charset_normalizer.from_bytes(window)
    except Exception:  # detection is best effort: any failure means "no guess"
        return None
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        # charset-normalizer folds code pages that decode the window identically into one
        # match, listing them in could_be_from_charset.
        if (
            "cp1252" in match.could_be_from_charset
            and match.chaos <= best.chaos + _CP1252_CHAOS_MARGIN
            and match.coherence >= best.coherence - _CP1252_COHERENCE_MARGIN
        ):
            return "cp1252"
    name = normalise_charset(best.encoding)
    # A window that happens to be ASCII or valid UTF-8 says nothing about the rest.
    if name in (None, "utf-8"):
        return None
    return name
