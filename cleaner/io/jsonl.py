"""JSONL lines and dataset rows -> Documents: one reading of a record's fields for both.

A JSONL line (``{"html": ..., "id": ..., "url": ...}``) and a row of a user's dataset (Ray,
Spark, pandas) carry the same fields; :func:`document_from_fields` turns either into a
Document, and the fields it does not take go to the record's metadata. The two differ only
where their formats do: a dataset column may hold HTML as bytes and marks a missing field
with a null, and a row may name itself with a ``source`` field.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from collections.abc import Iterator, Mapping
from typing import IO, Any, cast

from cleaner.config import Config
from cleaner.io.discover import InputFile
from cleaner.io.items import ReadFailure, ReadItem, Skipped, error_type, gzip_failure
from cleaner.io.naming import hash_id, site_of
from cleaner.model import Document

__all__ = [
    "LIKELY_CONTENT_FIELDS",
    "MAX_NESTING",
    "SOURCE_FIELD",
    "cut_text",
    "document_from_fields",
    "document_from_row",
    "read_jsonl",
]

# A JSONL line may be this many times Config.max_bytes before it is refused unread: JSON
# escaping grows HTML (quotes, backslashes, \uXXXX) but rarely past 2x; 4x leaves room.
_JSONL_LINE_FACTOR = 4
# Bytes read at a time while skipping the rest of an overlong line.
_SKIP_CHUNK = 1 << 20
# Levels of lists and objects a record may nest. Real records nest a few (a field holding a
# list of objects); sending a record to a worker (pickle) and writing it out (JSON) recurse
# once a level, and Python stops near 1000 levels less the stack in use (pickling failed
# from about 500), so a deeper record fails alone, at read, instead of ending the batch.
MAX_NESTING = 100
# Fields that other corpora keep the page in (RedPajama and CCNet: raw_content; many
# scrapers: content or body): named in the hint when a record lacks the configured field.
LIKELY_CONTENT_FIELDS = ("raw_content", "content", "body", "page", "markdown")
# Field names a skip message lists (and characters of each): enough to recognise the record.
_SHOWN_FIELDS = 10
_NAME_CHARS = 40
# The field of a dataset row that names it in errors and in ``metadata.source``.
SOURCE_FIELD = "source"


def read_jsonl(stream: IO[bytes], inp: InputFile, config: Config) -> Iterator[ReadItem]:
    """One Document per line of a JSONL stream; a broken line is a ReadFailure and reading goes on."""
    limit = config.max_bytes * _JSONL_LINE_FACTOR
    line_no = 0
    while True:
        line_no += 1
        source = f"{inp.relpath}#{line_no}"
        try:
            line = stream.readline(limit)
            if len(line) == limit and not line.endswith(b"\n"):
                _skip_rest_of_line(stream)
                yield ReadFailure(source, "read", "LineTooLong", f"line longer than {limit} bytes; skipped")
                continue
        except (EOFError, OSError, zlib.error) as exc:
            yield ReadFailure(source, "read", error_type(exc), gzip_failure(exc, f"at line {line_no}"))
            return
        if not line:
            return
        if not line.strip():
            continue
        yield _jsonl_record(line, source, inp, config)


def _skip_rest_of_line(stream: IO[bytes]) -> None:
    """Skip the rest of an overlong line without holding it in memory."""
    while True:
        rest = stream.readline(_SKIP_CHUNK)
        if not rest or rest.endswith(b"\n"):
            return


def _jsonl_record(line: bytes, source: str, inp: InputFile, config: Config) -> ReadItem:
    try:
        obj = json.loads(line, parse_constant=_no_constant)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both are
        return ReadFailure(source, "read", error_type(exc), f"not a valid JSON line: {exc}")
    except RecursionError:  # nested past what the parser follows (about 1000 levels)
        return _too_deep(source)
    if not isinstance(obj, dict):
        return ReadFailure(source, "read", "TypeError", f"a JSON {type(obj).__name__}, expected an object")
    return document_from_fields(obj, source, config, site=inp.site)


def document_from_row(row: Mapping[str, Any], config: Config) -> ReadItem:
    """Turn a row of a user's dataset into a Document, as the JSONL reader turns a line into one.

    The page is in ``config.html_field`` (str or bytes) or ``config.text_field`` (str); the
    id, url and an optional ``source`` (how errors and ``metadata.source`` name the row)
    come from their fields, and every other non-null field is carried into the record's
    metadata (a null in a columnar dataset means the row has no such field). Without a
    source the row is named ``dataset#<id>``, or by a hash of its content.
    """
    doc_id = _doc_id(row.get(config.id_field))
    html = row.get(config.html_field)
    value = html if html is not None else row.get(config.text_field)
    given = row.get(SOURCE_FIELD)
    if isinstance(given, str) and given:
        source = given
    elif doc_id is not None:
        source = f"dataset#{doc_id}"
    else:
        digest = value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")
        source = f"dataset#{hashlib.sha1(digest).hexdigest()[:16]}"
    return document_from_fields(row, source, config, site=None, columnar=True)


def document_from_fields(
    fields: Mapping[str, Any], source: str, config: Config, *, site: str | None, columnar: bool = False
) -> ReadItem:
    """A Document from a record's fields (a JSONL object, or a dataset row when ``columnar``).

    The content is the ``config.html_field`` field, else the ``config.text_field`` one
    (neither: Skipped; not a string: ReadFailure), cut to ``config.max_bytes``; the id and
    url come from their fields; ``site`` is the fallback when the url has no host. The other
    fields go to the metadata. ``columnar`` rows may hold HTML as bytes (decoded later by
    the charset rules), their nulls are fields they do not have, and their ``source`` field
    names them (taken, not metadata).
    """
    if _nesting_exceeds(fields, MAX_NESTING):
        return _too_deep(source)
    html = fields.get(config.html_field)
    field, value = (config.html_field, html) if html is not None else (config.text_field, fields.get(config.text_field))
    if value is None:
        return Skipped(source, "jsonl.no_content", _no_content(fields, config))
    if not isinstance(value, str) and not (columnar and html is not None and isinstance(value, bytes)):
        kind = (
            f"a {type(value).__name__}, expected str"
            if columnar
            else f"a JSON {type(value).__name__}, expected a string"
        )
        return ReadFailure(source, "read", "TypeError", f"field {field!r} is {kind}")
    raw_url = fields.get(config.url_field)
    url = raw_url if isinstance(raw_url, str) and raw_url else None
    taken = {config.html_field, config.text_field, config.id_field, config.url_field}
    if columnar:
        taken.add(SOURCE_FIELD)
    metadata: dict[str, Any] = {k: v for k, v in fields.items() if k not in taken and not (columnar and _is_null(v))}
    content: bytes | str
    if html is not None:
        content = value if isinstance(value, bytes) else value.encode("utf-8", "replace")
        if len(content) > config.max_bytes:
            content = content[: config.max_bytes]
            metadata["truncated"] = True
    else:
        content, cut = cut_text(cast(str, value), config.max_bytes)
        if cut:
            metadata["truncated"] = True
    return Document(
        id=_doc_id(fields.get(config.id_field)) or hash_id(source),
        source=source,
        input_type="html" if html is not None else "text",
        content=content,
        url=url,
        site=site_of(url, site),
        # str HTML was encoded here as UTF-8; raw bytes go through the charset rules.
        charset_hint="utf-8" if isinstance(value, str) and html is not None else None,
        metadata=metadata,
    )


def _no_content(fields: Mapping[str, Any], config: Config) -> str:
    """Why a record without the page's field was skipped: the fields it has, and the option that names one."""
    names = [str(k) for k in fields]
    shown = ", ".join(repr(n[:_NAME_CHARS]) for n in names[:_SHOWN_FIELDS]) + (
        ", ..." if len(names) > _SHOWN_FIELDS else ""
    )
    found = f"no {config.html_field!r} or {config.text_field!r} field (it has {shown or 'no field'})"
    likely = [n for n in LIKELY_CONTENT_FIELDS if isinstance(fields.get(n), str)]
    if likely:
        return (
            f"{found}; to clean {likely[0]!r}: --text-field {likely[0]} (or --html-field {likely[0]} if it holds HTML)"
        )
    return f"{found}; name the field that holds the page with --html-field or --text-field"


def _no_constant(name: str) -> None:
    """Read JSON's non-standard ``NaN``, ``Infinity`` and ``-Infinity`` as null: JSON output cannot hold them."""
    return None


def _is_null(value: Any) -> bool:
    """A missing value of a dataset column: None, or a float NaN (pandas' null), which JSON cannot hold."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _too_deep(source: str) -> ReadFailure:
    return ReadFailure(
        source,
        "read",
        "NestingTooDeep",
        f"the record nests lists or objects more than {MAX_NESTING} levels deep; flatten it, the others were read",
    )


def _nesting_exceeds(value: Any, limit: int) -> bool:
    """True when ``value`` nests lists, tuples or mappings more than ``limit`` levels deep (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _doc_id(raw: Any) -> str | None:
    """A record's id as a string: from a non-empty string or an integer (not a boolean)."""
    return str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) and raw != "" else None


def cut_text(text: str, max_bytes: int) -> tuple[str, bool]:
    """``text`` cut to at most ``max_bytes`` of UTF-8 (at a character boundary), and whether it was cut."""
    if len(text) * 4 <= max_bytes:  # fast path: even all-4-byte characters fit
        return text, False
    data = text.encode("utf-8", "replace")
    if len(data) <= max_bytes:
        return text, False
    return data[:max_bytes].decode("utf-8", "ignore"), True
