"""The writers that put records on disk, and where they put them.

- :class:`JsonlWriter` appends records as JSON lines to a file (``.jsonl`` or
  ``.jsonl.gz``) or to stdout; it buffers and writes on :meth:`JsonlWriter.flush`, so
  the batch knows the byte offset of every complete flush (the resume checkpoint).
- :class:`FolderWriter` writes one file per document (``txt``, ``md`` or ``json``),
  mirroring the input tree, each written to a temporary name and renamed.
- :class:`ErrorsWriter` lists failed documents and files, one JSON line each, and only
  creates its file when there is a first error.
- :func:`default_errors_path`, :func:`is_folder_output`, :func:`folder_relpath`: paths.

Writers are deterministic: the same records give the same bytes (gzip members carry no
timestamp and no file name).
"""

from __future__ import annotations

import gzip
import os
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cleaner.errors import UsageError
from cleaner.output.records import FOLDER_FORMATS, FolderFormat, dumps, error_record, render_file, utf8_safe

__all__ = [
    "ErrorsWriter",
    "FolderWriter",
    "JsonlWriter",
    "atomic_write",
    "default_errors_path",
    "folder_relpath",
    "is_folder_output",
]

# Suffixes of compressed inputs, dropped before the page suffix when naming a folder file.
_COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")
# Suffixes a JSONL output name ends with; the errors file replaces them with .errors.jsonl.
_OUTPUT_SUFFIXES = (".jsonl", ".ndjson", ".json")
# gzip level 6 is zlib's default: within a few percent of level 9's size at about
# three times its speed, so compression never becomes the bottleneck of a batch.
_GZIP_LEVEL = 6


def is_folder_output(output: str | Path) -> bool:
    """Tell whether ``output`` names a folder: it ends with ``/`` or is an existing directory."""
    text = str(output)
    return text != "-" and (text.endswith(("/", os.sep)) or Path(text).is_dir())


def default_errors_path(output: str | Path) -> Path:
    """Where failed documents are listed when the user did not say: beside the output.

    ``out.jsonl`` and ``out.jsonl.gz`` -> ``out.errors.jsonl``; a folder ``out/`` ->
    ``out.errors.jsonl`` next to the folder; stdout (``-``) -> ``cleaner-errors.jsonl``
    in the current directory (the batch lists them on stderr instead: see
    :class:`StderrErrors`). The file is only created when there is an error.
    """
    text = str(output)
    if text == "-":
        return Path("cleaner-errors.jsonl")
    path = Path(text.rstrip("/" + os.sep) or ".")
    if path.name in ("", ".."):  # a folder output named "." or "..": its errors file is named after the folder
        path = path.resolve()
    name = path.name or "cleaner"
    if not is_folder_output(output):
        for suffix in _COMPRESSION_SUFFIXES:
            name = name.removesuffix(suffix)
        for suffix in _OUTPUT_SUFFIXES:
            if name.endswith(suffix) and name != suffix:
                name = name.removesuffix(suffix)
                break
    return path.with_name(name + ".errors.jsonl")


def folder_relpath(source: str, fmt: FolderFormat) -> PurePosixPath:
    """Map ``source`` to its file inside a folder output, mirroring the input tree.

    ``a/b.html`` -> ``a/b.txt``; ``a/b.html.gz`` -> ``a/b.txt``; a record inside an
    archive or a JSONL file, ``crawl.warc.gz#1234`` -> ``crawl.warc.gz/1234.txt`` and
    ``pages.jsonl#17`` -> ``pages.jsonl/17.txt``. Parts that would escape the folder
    (``..``, absolute paths) are neutralised.
    """
    path, _, record = source.partition("#")
    parts = [_safe_part(p) for p in PurePosixPath(path.replace("\\", "/")).parts if p not in ("/", "", ".")]
    if not parts:
        parts = ["_"]
    if record:
        parts.append(_safe_part(record) + "." + fmt)
        return PurePosixPath(*parts)
    name = parts[-1]
    for suffix in _COMPRESSION_SUFFIXES:
        if name.endswith(suffix) and name != suffix:
            name = name.removesuffix(suffix)
            break
    stem = PurePosixPath(name).stem or name
    parts[-1] = stem + "." + fmt
    return PurePosixPath(*parts)


def _safe_part(part: str) -> str:
    """One path component that stays inside the output folder."""
    if part == "..":
        return "__"
    return part.replace("/", "_").replace("\\", "_").replace("\0", "_") or "_"


class JsonlWriter:
    """Append records as JSON lines to a file (plain or gzip) or to stdout (``-``).

    Records are buffered by :meth:`write` and written by :meth:`flush`, which returns
    the byte offset of the end of the file: every offset it returns is the end of a
    complete line (and, for gzip, of a complete gzip member, since each flush writes one
    member; a multi-member gzip file is valid and reads back as one stream). ``gz``
    defaults to "the path ends with .gz". ``truncate_at`` opens an existing file and
    cuts it to that offset first (resuming an interrupted run); otherwise the file is
    created or emptied.
    """

    def __init__(self, path: str | Path, *, gz: bool | None = None, truncate_at: int | None = None) -> None:
        self.path = str(path)
        self.gz = self.path.endswith(".gz") if gz is None else gz
        self.records = 0
        self._buffer: list[str] = []
        self._stdout = self.path == "-"
        self._handle: IO[bytes]
        if self._stdout:
            self.gz = False
            self._handle = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else sys.stdout  # type: ignore[assignment]
        else:
            self._handle = _open_for_append(Path(self.path), truncate_at)

    def write(self, record: Mapping[str, Any]) -> None:
        """Buffer one record; it reaches the file at the next :meth:`flush`."""
        self.write_line(dumps(record))

    def write_line(self, line: str) -> None:
        """Buffer one already serialised JSON line (without its newline)."""
        self._buffer.append(line + "\n")
        self.records += 1

    def flush(self, *, sync: bool = False) -> int:
        """Write the buffered lines (one gzip member for .gz); fsync if ``sync``; return the offset."""
        if self._buffer:
            data = "".join(self._buffer).encode("utf-8")
            self._buffer.clear()
            if self.gz:
                data = gzip.compress(data, compresslevel=_GZIP_LEVEL, mtime=0)
            self._write(data)
        self._handle.flush()
        if sync and not self._stdout:
            os.fsync(self._handle.fileno())
        return 0 if self._stdout else self._handle.tell()

    def _write(self, data: bytes) -> None:
        if self._stdout and not hasattr(sys.stdout, "buffer"):
            sys.stdout.write(data.decode("utf-8"))
        else:
            self._handle.write(data)

    def close(self) -> None:
        """Flush and close the file (stdout is flushed, not closed)."""
        if self._handle.closed:
            return
        self.flush()
        if not self._stdout:
            self._handle.close()


class ErrorsWriter:
    """List failed documents and files as JSON lines: ``{"source", "stage", "error", "message"}``.

    The file is only created at the first error, so a clean run leaves no errors file.
    :meth:`flush` returns the byte offset of the end of the file (0 while it does not
    exist). ``truncate_at`` resumes an existing file cut to that offset.
    """

    def __init__(self, path: str | Path, *, truncate_at: int | None = None) -> None:
        self.path = Path(path)
        self.count = 0
        self._handle: IO[bytes] | None = None
        if truncate_at is not None and self.path.exists():
            self._handle = _open_for_append(self.path, truncate_at)

    def write(self, source: str, stage: str, error: str, message: str) -> None:
        """Write one failure (at once: the errors file is small and must survive a crash)."""
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "wb")  # noqa: SIM115 - lives as long as the writer
        line = utf8_safe(dumps(error_record(source, stage, error, message)))
        self._handle.write((line + "\n").encode("utf-8"))
        self.count += 1

    @property
    def created(self) -> bool:
        """True when the file exists (an error was written, or a resumed file was opened)."""
        return self._handle is not None

    def flush(self, *, sync: bool = False) -> int:
        """Flush (and fsync if ``sync``); return the byte offset of the end of the file."""
        if self._handle is None:
            return 0
        self._handle.flush()
        if sync:
            os.fsync(self._handle.fileno())
        return self._handle.tell()

    def close(self) -> None:
        """Flush and close the file, if it was created."""
        if self._handle is not None and not self._handle.closed:
            self._handle.flush()
            self._handle.close()


class StderrErrors:
    """List failures as lines on stderr (``cleaner: error: {"source", ...}``) instead of a file.

    For records written to stdout with no ``--errors``: a filter in a pipe should leave no
    file behind in the current folder. Each line holds the record an errors file would.
    """

    path = None
    created = False  # no file is ever created

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream
        self.count = 0

    def write(self, source: str, stage: str, error: str, message: str) -> None:
        """Print one failure on stderr (JSON escapes the control characters a terminal would act on)."""
        line = utf8_safe(dumps(error_record(source, stage, error, message)))
        print(f"cleaner: error: {line}", file=self.stream or sys.stderr, flush=True)
        self.count += 1

    def flush(self, *, sync: bool = False) -> int:
        """Nothing to flush to disk: 0, the size of the (absent) errors file."""
        return 0

    def close(self) -> None:
        """Nothing to close."""


class FolderWriter:
    """Write one file per document under ``root``, mirroring the input tree (see :func:`folder_relpath`).

    Each file is written to a temporary name in its folder and renamed, so a file that
    exists is complete. When two sources map to the same file in one run (``a/b.html``
    and ``a/b.txt``), the first in input order owns the name and the later one is
    written under its full source name (``a/b.html.txt``); :meth:`claim` makes that
    choice, in input order, so a resumed run finds every file under the same name.
    """

    def __init__(self, root: str | Path, fmt: FolderFormat) -> None:
        if fmt not in FOLDER_FORMATS:
            raise UsageError(f"folder output takes --format {'|'.join(FOLDER_FORMATS)}, not {fmt!r}")
        self.root = Path(root)
        self.fmt: FolderFormat = fmt
        self.records = 0
        self._claimed: dict[PurePosixPath, str] = {}
        self._targets: dict[str, Path] = {}
        self.root.mkdir(parents=True, exist_ok=True)

    def claim(self, source: str) -> Path:
        """Choose the file ``source`` is written to; call in input order (the first claimant keeps a name)."""
        target = self._targets.get(source)
        if target is not None:
            return target
        rel = folder_relpath(source, self.fmt)
        owner = self._claimed.setdefault(rel, source)
        if owner != source:
            rel = PurePosixPath(
                *folder_relpath(source.replace("#", "/"), self.fmt).parts[:-1], _full_name(source, self.fmt)
            )
            self._claimed.setdefault(rel, source)
        target = self.root.joinpath(*rel.parts)
        self._targets[source] = target
        return target

    def write(self, record: Mapping[str, Any]) -> Path:
        """Render ``record`` and write it atomically to its file; return the path."""
        target = self.claim(str(record["metadata"]["source"]))
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, render_file(record, self.fmt).encode("utf-8"))
        self.records += 1
        return target

    def flush(self, *, sync: bool = False) -> int:
        """Nothing is buffered: every file is complete once :meth:`write` returns."""
        return 0

    def close(self) -> None:
        """Nothing to close: files are closed as they are written."""


def _full_name(source: str, fmt: str) -> str:
    """Name a source's file without collision: its whole last component plus the format."""
    last = PurePosixPath(source.replace("#", "/").replace("\\", "/")).name or "_"
    return _safe_part(last) + "." + fmt


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _open_for_append(path: Path, truncate_at: int | None) -> IO[bytes]:
    """Open ``path`` for appending; cut an existing file to ``truncate_at``, or start it empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if truncate_at is None or not path.exists():
        return open(path, "wb")  # noqa: SIM115 - returned to the caller, who closes it
    size = path.stat().st_size
    if truncate_at > size:
        raise UsageError(
            f"{path} is shorter ({size} bytes) than its checkpoint says ({truncate_at}); "
            "rerun with --overwrite instead of --resume"
        )
    handle = open(path, "r+b")  # noqa: SIM115 - returned to the caller, who closes it
    handle.truncate(truncate_at)
    handle.seek(truncate_at)
    return handle
