"""Byte streams the readers share: bounded reads, and stdin with its sniffed head put back."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

__all__ = ["CHUNK", "HeadStream", "chunks_upto"]

# Bytes read at a time from a file, a gzip stream or a WARC record's payload: 1 MB keeps the
# number of reads small, and a truncated gzip stream can still say how far it got.
CHUNK = 1 << 20


def chunks_upto(read: Callable[[int], bytes], limit: int) -> Iterator[bytes]:
    """Chunks of at most :data:`CHUNK` bytes from ``read`` until it ends or ``limit`` bytes were read."""
    size = 0
    while size < limit:
        chunk = read(min(CHUNK, limit - size))
        if not chunk:
            return
        size += len(chunk)
        yield chunk


class HeadStream(io.RawIOBase):
    """Bytes already read (the sniffed head) followed by the rest of a non-seekable stream.

    It claims to be seekable and supports only the no-op seeks FastWARC makes to learn its
    position, so stdin can be streamed into FastWARC (which refuses unseekable streams).
    """

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = head
        self._rest = rest
        self._pos = 0

    def readable(self) -> bool:
        """Always: it is read from."""
        return True

    def seekable(self) -> bool:
        """Claimed, for FastWARC: only the no-op seeks of :meth:`seek` work."""
        return True

    def tell(self) -> int:
        """Bytes read so far."""
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Stay where it is (the only seek a forward-only stream can do); any other seek raises."""
        if (whence == io.SEEK_SET and offset == self._pos) or (whence == io.SEEK_CUR and offset == 0):
            return self._pos
        raise io.UnsupportedOperation("stdin cannot seek")

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` from the head first, then from the rest of the stream."""
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
        else:
            data = self._rest.read(len(view))
            n = len(data)
            view[:n] = data
        self._pos += n
        return n
