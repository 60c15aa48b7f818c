"""Files, folders and stdin -> the list of input files, in a fixed order, each with a name of its own."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import UsageError

__all__ = ["InputFile", "discover", "display_name", "special_file_kind"]

# Files in a folder that are documentation, not pages, whatever their extension.
_DOC_STEMS = frozenset({"readme", "notice", "license", "licence", "copying", "changelog"})


@dataclass(frozen=True, slots=True)
class InputFile:
    r"""One input to read: a file on disk, or ``Path("-")`` for stdin.

    ``relpath`` is the path relative to the folder the user gave (the file name when a file
    was given, ``"-"`` for stdin), prefixed with that folder (or the file's path as given)
    when two inputs would otherwise share it, so it names one file of the run; ``site`` is
    the folder the file sits in, relative to that folder (``""`` at the top level): the site
    of documents that carry no URL. Bytes of a name that are not UTF-8 are written ``\xNN``.
    """

    path: Path
    relpath: str
    site: str | None


def discover(paths: Sequence[str | Path]) -> Iterator[InputFile]:
    """Expand files and folders into InputFiles, recursively and in sorted order.

    Hidden files and folders (``.name``) and documentation files found inside folders
    (README, NOTICE, LICENSE...) are left out; ``"-"`` stands for stdin. Every path is
    checked before anything is yielded: a missing one, or one that is not a file or a
    folder (a FIFO, a device: it would block or never end), raises :class:`UsageError`.
    Special files found inside a folder are listed all the same (the reader skips them,
    counted). Every ``relpath`` is unique: where two inputs share a relative path, each
    is named with its root (``A/x.html``, ``B/x.html``); an input named twice is a usage error.
    """
    items = [str(p) for p in paths]
    missing = [p for p in items if p != "-" and not os.path.lexists(p)]
    if missing:
        raise UsageError(f"input path(s) not found: {', '.join(missing)}; check the spelling, or give '-' for stdin")
    for item in items:
        shown = display_name(item)
        if item != "-" and os.path.islink(item) and not os.path.exists(item):
            raise UsageError(f"input {shown} is a symbolic link that leads nowhere (a loop, or a missing target)")
        kind = None if item == "-" else special_file_kind(Path(item))
        if kind:
            fix = f"pipe it into stdin instead: cleaner clean - < {shown}"
            raise UsageError(f"input {shown} is {kind}, not a file or a folder; {fix}")
    return iter(_unique([list(_expand(item)) for item in items]))


def display_name(path: str | Path) -> str:
    r"""A path as text that is valid UTF-8: bytes of the name that are not UTF-8 become ``\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def special_file_kind(path: Path) -> str | None:
    """What ``path`` is when it is neither a regular file nor a folder (``"a FIFO"``, ``"a device"``...).

    None for a file, a folder, or a path that cannot be looked at (opening it says why).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _expand(item: str) -> Iterator[tuple[Path, str, str, str]]:
    """``(path, relpath, name with its root, site)`` of every file under one input, in sorted order."""
    if item == "-":
        yield Path("-"), "-", "-", ""
        return
    path = Path(item)
    root = display_name(os.path.normpath(item))
    if path.is_dir():
        seen = {os.path.realpath(path)}
        for file in _walk(path, seen):
            rel = file.relative_to(path)
            parent = rel.parent.as_posix()
            name = display_name(rel.as_posix())
            yield file, name, f"{root}/{name}", display_name("" if parent == "." else parent)
    else:
        yield path, display_name(path.name), root, ""


def _unique(roots: list[list[tuple[Path, str, str, str]]]) -> list[InputFile]:
    """The InputFiles of every root, a relpath two roots share named with its root (see :func:`discover`)."""
    shared = Counter(rel for files in roots for _path, rel, _rooted, _site in files)
    found = [
        InputFile(path, rooted if shared[rel] > 1 else rel, site)
        for files in roots
        for path, rel, rooted, site in files
    ]
    named = Counter(f.relpath for f in found)
    twice = sorted(name for name, n in named.items() if n > 1)
    if twice:
        raise UsageError(
            f"input {display_name(twice[0])} is named twice on the command line"
            + (f" (and {len(twice) - 1} more)" if len(twice) > 1 else "")
            + "; give each file or folder once"
        )
    return found


def _walk(folder: Path, seen: set[str]) -> Iterator[Path]:
    """Files under ``folder`` sorted by name at each level (so by path), skipping hidden ones.

    A symbolic link that leads nowhere (to itself, to a missing file) is not a file: it is
    left out like a hidden one. Special files (FIFOs, devices, sockets) are listed: the
    reader skips them, and the accounting counts them.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return  # an unreadable folder: read_file never sees it; nothing in it can be read
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            exists = os.path.exists(path)
        except OSError:  # a symlink loop on some systems raises rather than answering False
            continue
        if not exists:
            continue
        if is_dir:
            real = os.path.realpath(path)
            if real not in seen:  # a symlink loop would recurse forever
                seen.add(real)
                yield from _walk(path, seen)
        elif os.fsdecode(entry.name).split(".", 1)[0].lower() not in _DOC_STEMS:
            yield path
