"""The output record of a Result, and how records are serialised and rendered.

- :func:`result_record` builds the JSONL record of DESIGN.md (``id``, ``text``,
  ``metadata``, and ``removed`` when explanations are asked for);
- :func:`dumps` serialises a record the one way every writer does;
- :func:`render_file` renders a record as one file of folder output (``txt``, ``md``, ``json``);
- :func:`error_record` is one line of the errors file.

Records are deterministic: the same Result gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.io import host_of
from cleaner.model import Result
from cleaner.version import __version__

__all__ = [
    "FOLDER_FORMATS",
    "STANDARD_FIELDS",
    "FolderFormat",
    "dumps",
    "error_record",
    "front_matter",
    "removed_reasons",
    "utf8_safe",
    "render_file",
    "result_record",
]

FolderFormat = Literal["txt", "md", "json"]
FOLDER_FORMATS: tuple[FolderFormat, ...] = ("txt", "md", "json")

# The metadata fields every record carries (None when unknown), in the order of DESIGN.md,
# so every line has the same schema and loads as one table (datasets, pandas, datatrove).
STANDARD_FIELDS = ("title", "author", "date", "sitename", "language", "description")
# Fields the writer sets last, after whatever else the pipeline put in the metadata.
_TAIL_FIELDS = ("input_type", "extractor", "cleaner_version", "status", "error")


def result_record(result: Result, config: Config) -> dict[str, Any]:
    """Build the output record of ``result``: ``{"id", "text", "metadata", ["comments"], ["removed"]}``.

    ``metadata`` holds, in this order: ``source``, ``url``, ``host``, the standard
    fields (``title`` .. ``description``, None when unknown), any other field the
    pipeline set, then ``input_type``, ``extractor``, ``cleaner_version``, ``status``
    (and ``error`` for a failed document), then the fields that came with the document
    (WARC headers, extra JSONL fields) under their own names, never overwriting ours.
    ``comments`` (the reader comments, :attr:`Result.comments`) is added when the Result
    has them (``config.comments``: a list, empty when the page has none), ``removed``
    (every dropped block with its reason) when ``config.explain``.
    """
    doc = result.document
    found = result.metadata
    url = doc.url or found.get("url")
    meta: dict[str, Any] = {"source": doc.source, "url": url, "host": host_of(url)}
    for name in STANDARD_FIELDS:
        meta[name] = found.get(name)
    for name, value in found.items():
        if name not in meta and name not in _TAIL_FIELDS:
            meta[name] = value
    meta["input_type"] = found.get("input_type") or doc.input_type
    meta["extractor"] = found.get("extractor") or config.extractor
    meta["cleaner_version"] = __version__
    meta["status"] = result.status
    if result.error is not None:
        meta["error"] = {"stage": result.error.stage, "type": result.error.type, "message": result.error.message}
    for name, value in doc.metadata.items():
        meta.setdefault(name, value)
    record: dict[str, Any] = {"id": doc.id, "text": result.text, "metadata": meta}
    if result.comments is not None:
        record["comments"] = result.comments
    if config.explain:
        record["removed"] = result.removed
    return record


def error_record(source: str, stage: str, error: str, message: str) -> dict[str, str]:
    """One line of the errors file: ``{"source", "stage", "error", "message"}``.

    ``stage`` is where it failed (read, decode, parse, extract, write) and ``error`` the
    exception type.
    """
    return {"source": source, "stage": stage, "error": error, "message": message}


def _json_default(value: Any) -> Any:
    """Make values that JSON lacks (bytes, dates, sets, paths) serialisable, deterministically."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def dumps(record: Mapping[str, Any], *, indent: int | None = None) -> str:
    """Serialise a record as JSON the way every writer does: UTF-8 text, keys in record order.

    NEL and the Unicode line and paragraph separators, which JSON leaves as they are, are
    escaped: ``str.splitlines()`` and other line readers end a line at them, which would
    cut a record in two. Escaped, a record is one line however its reader splits lines.
    A float NaN or infinity, which JSON has no way to write, raises ValueError (the readers
    read them as null; the record that still holds one fails alone, at ``write``).
    """
    text = json.dumps(record, ensure_ascii=False, default=_json_default, indent=indent, allow_nan=False)
    for char, escaped in _LINE_BREAKS:
        if char in text:  # rare: three scans take 21 us on a 63,000-character record, a translate 2.9 ms
            text = text.replace(char, escaped)
    return text


# Characters that break lines for str.splitlines() but that JSON does not escape (the
# others, below U+0020, it does); they can only be inside strings, where \uXXXX is the same.
_LINE_BREAKS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


# A UTF-16 surrogate on its own: JSON input can hold one ("\ud800"), and so can a name the
# file system gave as bytes that are not UTF-8; UTF-8 output cannot. Records and error lines
# replace it with U+FFFD, as a decoder does with a byte it cannot read.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_safe(text: str) -> str:
    """``text`` with any lone surrogate replaced by U+FFFD, so it encodes as UTF-8 (unchanged when it does)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


def render_file(record: Mapping[str, Any], fmt: FolderFormat) -> str:
    """Render the content of a folder-output file for ``record`` in format ``txt``, ``md`` or ``json``.

    ``txt`` is the text; ``md`` is a YAML front matter with the record's metadata
    (:func:`front_matter`) then the text, which ``--format md`` makes Markdown; ``json``
    is the whole record, indented. Non-empty files end with a newline.
    """
    if fmt == "json":
        return dumps(record, indent=2) + "\n"
    text = str(record.get("text") or "")
    if fmt == "txt":
        return text + "\n" if text else ""
    if fmt == "md":
        return front_matter(record.get("metadata") or {}) + (text + "\n" if text else "")
    raise UsageError(f"unknown output format {fmt!r}; choose one of {', '.join(FOLDER_FORMATS)}")


# The metadata a Markdown file's front matter carries, in this order (as trafilatura writes it).
FRONT_MATTER_FIELDS = ("title", "author", "date", "url", "host", "sitename", "language", "description", "source")


def front_matter(metadata: Mapping[str, Any]) -> str:
    """A YAML front matter block (``---`` lines) with the known fields of ``metadata``, "" when none is known.

    Every value is written as a JSON string, which YAML reads as the same string whatever
    it holds (colons, quotes, "#", leading dashes, line breaks).
    """
    lines = [f"{name}: {_yaml_string(str(metadata[name]))}" for name in FRONT_MATTER_FIELDS if metadata.get(name)]
    return "---\n" + "\n".join(lines) + "\n---\n\n" if lines else ""


# Characters YAML does not allow raw in a string, or reads as a line break, that JSON
# leaves raw: DEL and the C1 controls (NEL among them), the line and paragraph separators,
# the byte-order mark and lone surrogates.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def _yaml_string(value: str) -> str:
    """``value`` as a YAML double-quoted scalar: a JSON string with the characters YAML refuses escaped."""
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json.dumps(value, ensure_ascii=False))


def removed_reasons(result: Result) -> tuple[str, ...]:
    """List the reason codes of the blocks ``result`` dropped, in block order."""
    return tuple(d.reason for d in result.decisions if not d.keep)
