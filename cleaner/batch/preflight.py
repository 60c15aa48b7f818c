"""What a batch checks before it reads anything, and the lock it holds on what it writes.

A batch writes its output (a file, or a folder of files), its errors file and, when asked,
a ``--stats`` file. :func:`check_outputs` refuses, with a message naming the fix, any of
them that:

- is one of the inputs, or lies inside an input folder (the next run would read it back;
  a hidden name, ``.out.jsonl``, is not read, so it is allowed), or, for a folder output,
  holds an input;
- is a device, a FIFO or a socket, or a symbolic link (the run would replace the node or
  the link with a regular file: ``-o /dev/null`` as root replaced the system's);
- sits under a path that is a file, not a folder;
- exists already, or has an unfinished run's partial file beside it, unless the run
  overwrites (``--overwrite``) or resumes it (``--resume``);
- is the same path as another of them.

:class:`OutputLock` then holds an exclusive lock on each of them for the length of the
run, so a second run into the same output (or errors or stats file) is refused at once
instead of mixing its records with the first one's or finishing the other's files.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType

from cleaner.batch.target import Target
from cleaner.errors import UsageError
from cleaner.io import display_name, special_file_kind

# Descriptors of the lock files this process holds. A forked worker inherits them, and a
# flock lasts while any copy is open: a worker that outlived a killed run would keep the
# run's outputs locked. So the child closes its copies (os.register_at_fork below).
_HELD: set[int] = set()

__all__ = ["OutputLock", "check_new_outputs", "check_outputs", "guarded_outputs", "lock_path", "written_paths"]


def written_paths(target: Target, stats_path: str | Path | None) -> list[tuple[str, Path]]:
    """What a run writes, each with the option that names it: ``[("-o", out), ("--errors", ...), ...]``."""
    paths = [] if target.to_stdout else [("-o", Path(target.output.rstrip("/" + os.sep) or "."))]
    if not target.errors_on_stderr:
        paths.append(("--errors", target.errors_final))
    if stats_path:
        paths.append(("--stats", Path(stats_path)))
    return paths


@contextlib.contextmanager
def guarded_outputs(
    target: Target, inputs: Sequence[str | Path], stats_path: str | Path | None, *, overwrite: bool, resume: bool
) -> Iterator[None]:
    """Check what a run writes (:func:`check_outputs`), lock it, check it is new (or may be replaced); hold the lock.

    The checks that need no lock come first, so a refused path (a device...) gets no lock
    file beside it; whether a path exists is checked under the lock, so a second run sees
    the first one's lock rather than its partial files.
    """
    check_outputs(target, inputs, stats_path=stats_path)
    with OutputLock([path for _option, path in written_paths(target, stats_path)]):
        if not (overwrite or resume):
            check_new_outputs(target, stats_path)
        yield


def check_outputs(target: Target, inputs: Sequence[str | Path], *, stats_path: str | Path | None = None) -> None:
    """Refuse an output, errors or stats path that is an input, a link, a device, or another one's path."""
    roots = [Path(p) for p in inputs if str(p) != "-"]
    seen: dict[str, str] = {}
    for option, path in written_paths(target, stats_path):
        real = os.path.realpath(path)
        if real in seen:
            shown = display_name(path)
            raise UsageError(f"{option} {shown} is also the {seen[real]} path: give each a path of its own")
        seen[real] = option
        _check_node(option, path, folder=option == "-o" and target.folder)
        _check_not_input(option, path, roots, folder=option == "-o" and target.folder)


def check_new_outputs(target: Target, stats_path: str | Path | None = None) -> None:
    """Refuse to replace what exists (or an unfinished run's partial file): for runs without --overwrite or --resume."""
    for option, path in written_paths(target, stats_path):
        _check_new(option, path, target)


def _check_node(option: str, path: Path, *, folder: bool) -> None:
    """Refuse a symbolic link, a device or a FIFO, and a path under a file."""
    shown = display_name(path)
    if path.is_symlink():
        raise UsageError(
            f"{option} {shown} is a symbolic link: the run would replace the link with a file; "
            f"give the path it points to ({display_name(os.path.realpath(path))}) or another path"
        )
    kind = special_file_kind(path)
    if kind:
        raise UsageError(
            f"{option} {shown} is {kind}: cleaner writes regular files only; "
            + ("write to stdout with -o -, or give a file path" if option == "-o" else "give a file path")
        )
    if path.exists() and not folder and path.is_dir():
        raise UsageError(f"{option} {shown} is a folder: give a file path (a folder output ends with /)")
    for parent in path.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise UsageError(f"{option} {shown}: {display_name(parent)} is a file, not a folder; give another path")
            break


def _check_not_input(option: str, path: Path, roots: list[Path], *, folder: bool) -> None:
    """Refuse a path that is an input or would be read as one (see the module docstring)."""
    shown = display_name(path)
    real = Path(os.path.realpath(path))
    for root in roots:
        root_real = Path(os.path.realpath(root))
        if real == root_real:
            raise UsageError(f"{option} {shown} is an input of this run: give the output another path")
        if root_real.is_dir() and real.is_relative_to(root_real):
            inside = real.relative_to(root_real)
            if not any(part.startswith(".") for part in inside.parts):  # hidden names are not read
                raise UsageError(
                    f"{option} {shown} lies inside the input folder {display_name(root)}: the next run would read it "
                    f"as input; write it outside that folder, or give it a hidden name (.{path.name})"
                )
        if folder and root_real.is_relative_to(real):
            raise UsageError(
                f"-o {shown} holds the input {display_name(root)}: its files would be written among the inputs; "
                "give the output a folder of its own"
            )


def _check_new(option: str, path: Path, target: Target) -> None:
    """Refuse to replace what exists (or an unfinished run's partial file) without --overwrite or --resume."""
    shown = display_name(path)
    if option == "-o" and target.is_file and target.out_partial.exists():
        raise UsageError(
            f"{display_name(target.out_partial)} is what an unfinished run wrote: add --resume to finish it, "
            "or --overwrite to start again"
        )
    exists = path.is_dir() and any(path.iterdir()) if option == "-o" and target.folder else path.exists()
    if exists:
        raise UsageError(
            f"{option} {shown} exists already: add --overwrite to replace it, --resume to finish the run that "
            "wrote it, or give another path"
        )


def lock_path(path: Path) -> Path:
    """The lock file of a written path: hidden, beside it (``out.jsonl`` -> ``.out.jsonl.lock``)."""
    path = Path(os.path.abspath(path))  # "." and ".." have no name of their own
    return path.with_name(f".{path.name}.lock")


class OutputLock:
    """Exclusive locks on the paths a run writes, held from :meth:`acquire` until :meth:`release`.

    Each is a ``flock`` on a hidden lock file beside the path (:func:`lock_path`), removed
    on release; the kernel drops the lock of a killed run, so a lock file left behind by
    ``kill -9`` does not block the next run. A path another run holds is a usage error.
    """

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = [lock_path(p) for p in paths]
        self._held: list[tuple[Path, int]] = []

    def acquire(self) -> OutputLock:
        """Lock every path; refuse (and hold nothing) when another run holds one."""
        try:
            for path in self.paths:
                self._held.append((path, _lock(path)))
        except BaseException:
            self.release()
            raise
        return self

    def release(self) -> None:
        """Remove the lock files and drop the locks."""
        held, self._held = self._held, []
        for path, fd in held:
            with contextlib.suppress(OSError):
                os.unlink(path)
            _HELD.discard(fd)
            os.close(fd)

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def _lock(path: Path) -> int:
    """Open and lock ``path``; the descriptor. Retries when the file was removed by the run that held it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            written = display_name(path.with_name(path.name[1:].removesuffix(".lock")))
            raise UsageError(
                f"another cleaner run is writing {written} now: wait for it to finish, or write elsewhere"
            ) from exc
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.truncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            _HELD.add(fd)
            return fd
        os.close(fd)  # the holder removed it between our open and our lock: take the new one


def _close_inherited() -> None:
    """In a forked child: close the copies of the parent's lock files (see :data:`_HELD`)."""
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_inherited)
