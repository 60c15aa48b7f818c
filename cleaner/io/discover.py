"""Files, folders and stdin -> the list of input files, in a fixed order."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import UsageError

__all__ = ["InputFile", "discover"]

# Files in a folder that are documentation, not pages, whatever their extension.
_DOC_STEMS = frozenset({"readme", "notice", "license", "licence", "copying", "changelog"})


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input to read: a file on disk, or ``Path("-")`` for stdin.

    ``relpath`` is the path relative to the folder the user gave (the file name when a file
    was given, ``"-"`` for stdin); ``site`` is the folder the file sits in, relative to that
    folder (``""`` at the top level): the site of documents that carry no URL.
    """

    path: Path
    relpath: str
    site: str | None


def discover(paths: Sequence[str | Path]) -> Iterator[InputFile]:
    """Expand files and folders into InputFiles, recursively and in sorted order.

    Hidden files and folders (``.name``) and documentation files found inside folders
    (README, NOTICE, LICENSE...) are left out; ``"-"`` stands for stdin. Every path is
    checked before anything is yielded: a missing one raises :class:`UsageError`.
    """
    items = [str(p) for p in paths]
    missing = [p for p in items if p != "-" and not Path(p).exists()]
    if missing:
        raise UsageError(f"input path(s) not found: {', '.join(missing)}; check the spelling, or give '-' for stdin")
    return _expand(items)


def _expand(items: list[str]) -> Iterator[InputFile]:
    for item in items:
        if item == "-":
            yield InputFile(path=Path("-"), relpath="-", site="")
            continue
        path = Path(item)
        if path.is_dir():
            seen = {os.path.realpath(path)}
            for file in _walk(path, seen):
                rel = file.relative_to(path)
                parent = rel.parent.as_posix()
                yield InputFile(path=file, relpath=rel.as_posix(), site="" if parent == "." else parent)
        else:
            yield InputFile(path=path, relpath=path.name, site="")


def _walk(folder: Path, seen: set[str]) -> Iterator[Path]:
    """Files under ``folder`` sorted by name at each level (so by path), skipping hidden ones."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return  # an unreadable folder: read_file never sees it; nothing in it can be read
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_dir():
            real = os.path.realpath(path)
            if real not in seen:  # a symlink loop would recurse forever
                seen.add(real)
                yield from _walk(path, seen)
        elif entry.is_file() and entry.name.split(".", 1)[0].lower() not in _DOC_STEMS:
            yield path
