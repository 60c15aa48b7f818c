"""Telling formats apart: a file's format from its name or first bytes, and binary from text.

:func:`looks_binary` is the one definition of "binary" in cleaner: the readers use it on
files of unknown format, the pipeline on every document's content.
"""

from __future__ import annotations

import os
import zlib

__all__ = ["GZIP_MAGIC", "HEAD_BYTES", "format_from_name", "gunzip_head", "looks_binary", "looks_html", "sniff_format"]

# Bytes read to sniff a format: enough for a WARC header block, a doctype or a JSON key.
HEAD_BYTES = 4096
GZIP_MAGIC = b"\x1f\x8b"
# Bytes looked at to tell text from binary: enough for any page's head.
BINARY_SNIFF_BYTES = 8192
# More control bytes than this share of the bytes looked at means binary, not text: real
# text has none or a handful (form feeds, ANSI escapes), while random bytes have about 10%
# (25 of the 256 byte values), so a NUL-free blob, which a short one often is, still shows it.
MAX_CONTROL_SHARE = 0.02
# Control bytes that text holds: tab, line feed, carriage return, vertical tab, form feed,
# backspace and escape (terminal colours in text dumps).
_TEXT_CONTROLS = b"\t\n\r\x0b\x0c\x08\x1b"
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS)
# Byte-order marks of text: what follows them may hold NUL bytes (UTF-16, UTF-32).
_TEXT_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")

_EXTENSIONS: dict[str, str] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".txt": "text",
    ".warc": "warc",
    ".arc": "warc",
    ".wet": "wet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def sniff_format(head: bytes, name: str) -> str:
    """Guess the format of an input from its name, else its first (decompressed) bytes.

    Returns ``"html"``, ``"text"``, ``"warc"``, ``"wet"`` or ``"jsonl"``. ``head`` should be
    the start of the content after any gzip layer; binary content sniffs as ``"text"``
    (the reader refuses it separately, see :func:`looks_binary`).
    """
    by_name = format_from_name(name)
    return by_name if by_name is not None else _format_from_head(head)


def format_from_name(name: str) -> str | None:
    """The format a file name announces (``.gz`` looked through), or None for an unknown extension."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    if lower.endswith((".warc.wet", ".wet")):
        return "wet"
    return _EXTENSIONS.get(os.path.splitext(lower)[1])


def _format_from_head(head: bytes) -> str:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
    if start.startswith(b"WARC/"):
        return "wet" if b"WARC-Type: conversion" in head else "warc"
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"<"):
        return "html"
    return "text"


def looks_binary(data: bytes) -> bool:
    """True when the start of ``data`` is binary (an image, a PDF, compressed bytes), not text.

    NUL bytes mean binary, except after a byte-order mark or in UTF-16 markup (``<`` next
    to a NUL), where they are half of every character; so do control bytes above
    :data:`MAX_CONTROL_SHARE`.
    """
    head = data[:BINARY_SNIFF_BYTES]
    if not head:
        return False
    if head.startswith(_TEXT_BOMS) or b"<\x00" in head[:64] or b"\x00<" in head[:64]:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) * MAX_CONTROL_SHARE


def looks_html(head: bytes) -> bool:
    """True when bytes start like an HTML page (a doctype, ``<html``, ``<head``, a comment or XML)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:256].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<!--", b"<?xml")) or b"<html" in start


def gunzip_head(raw_head: bytes) -> bytes:
    """The first decompressed bytes of a gzip stream, from its first compressed bytes (b"" if broken)."""
    try:
        return zlib.decompressobj(wbits=31).decompress(raw_head, HEAD_BYTES)
    except zlib.error:
        return b""
