"""Reading a file from disk into one ``bytes`` object, in large blocks: two reader threads
copy the blocks in (each through its own handle on the file) while the calling thread counts
the line feeds and double quotes of each block that has landed, so the count a delimited file
needs costs no wall time of its own. numpy, which counts, is imported at the first block
that lands (no module of the import path imports it at its top): its import (0.16 s) is made
while the readers copy the rest of the file, instead of before the file is opened.

The file is not memory-mapped (a file another program rewrites during the import would stop
the process with ``SIGBUS``): its bytes are copied once, into the buffer of an
``io.BytesIO`` made from a zero-filled ``bytes`` (public API: ``getbuffer`` writes, then
``getvalue`` hands the same object back once no view is left, without a second copy on
CPython). A file whose size or modification time changes while it is read in blocks is
refused with a message naming it.

Example
-------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     p = pathlib.Path(d, "t.csv")
...     _ = p.write_bytes(b'id,note\\n1,"a\\nb"\\n')
...     read_file(p, "t.csv", count=True, min_blockwise=0)
(b'id,note\\n1,"a\\nb"\\n', (3, 2))
"""

from __future__ import annotations

import io
import os
import queue
import stat
import threading
from pathlib import Path

from lib.errors import IngestError
from lib.ingest.readers.line_index import _count_lines_and_quotes

#: Bytes copied in one system call; a block is counted while the next ones are read.
BLOCK_BYTES = 1 << 22
#: Threads reading blocks at once (the page faults of the fresh copy spread over two cores).
READERS = 2
#: Files smaller than this are read in one call and counted later by the reader that needs it.
MIN_BLOCKWISE = 1 << 24
#: How a file starts when it is a container (zip, gzip, Parquet, old Excel): nothing to count.
_CONTAINER_HEADS = (b"PK", b"\x1f\x8b", b"PAR1", b"\xd0\xcf\x11\xe0")

Counts = tuple[int, int]


def read_file(
    path: Path, display: str, *, count: bool, min_blockwise: int | None = None
) -> tuple[bytes, Counts | None]:
    """The bytes of the file at ``path`` and, when ``count`` is asked for and the file was read
    block-wise, its line feeds and double quotes (else None: the reader counts when it needs
    to). ``min_blockwise``: the size from which a file is read in blocks (default
    ``MIN_BLOCKWISE``). OSError is left to the caller; a file read in blocks that changes while
    it is read raises :class:`IngestError` naming ``display``. A smaller file is read to its
    end in one call, whatever size it reports (``/proc`` files and some network file systems
    report none or a wrong one)."""
    limit = MIN_BLOCKWISE if min_blockwise is None else min_blockwise
    with open(path, "rb", buffering=0) as fh:
        before = os.fstat(fh.fileno())
        if not stat.S_ISREG(before.st_mode) or before.st_size < max(limit, 1):
            return fh.readall(), None  # a pipe, a device or a small file: read to its end
        data, counts = _read_blocks(path, fh, before, display, count)
        _check_unchanged(fh, before, len(data), display)
    return data, counts


def _read_blocks(
    path: Path, fh: io.FileIO, before: os.stat_result, display: str, count: bool
) -> tuple[bytes, Counts | None]:
    """Read the ``before.st_size`` bytes of the file open as ``fh`` on ``READERS`` threads (block
    ``i`` by thread ``i % READERS``), counting each block here as it lands."""
    size = before.st_size
    buffer = io.BytesIO(bytes(size))  # zero pages, not touched until the blocks land
    view = buffer.getbuffer()
    landed: queue.SimpleQueue[tuple[int, int] | BaseException | None] = queue.SimpleQueue()
    stop = threading.Event()

    def read_every(first: int) -> None:
        try:
            own = fh if first == 0 else _reopen(path, before, display)
            try:
                for start in range(first * BLOCK_BYTES, size, READERS * BLOCK_BYTES):
                    if stop.is_set():
                        break
                    end = min(start + BLOCK_BYTES, size)
                    own.seek(start)
                    with view[start:end] as block:
                        _read_block(own, block, display)
                    landed.put((start, end))
            finally:
                if own is not fh:
                    own.close()
            landed.put(None)
        except BaseException as exc:  # handed to the calling thread
            landed.put(exc)

    readers = [
        threading.Thread(target=read_every, args=(i,), name=f"read-file-{i}", daemon=True)
        for i in range(READERS)
    ]
    for reader in readers:
        reader.start()
    newlines = quotes = 0
    running = len(readers)
    try:
        while running:
            item = landed.get()
            if item is None:
                running -= 1
                continue
            if isinstance(item, BaseException):
                raise item
            if not count:
                continue
            start, end = item
            with view[start:end] as block:
                if start == 0 and bytes(block[:4]).startswith(_CONTAINER_HEADS):
                    count = False
                    continue
                n, q = _count_lines_and_quotes(block)
            newlines += n
            quotes += q
    finally:
        stop.set()
        for reader in readers:
            reader.join()
        view.release()
    data = buffer.getvalue()
    del buffer
    return data, (newlines, quotes) if count else None


def _reopen(path: Path, before: os.stat_result, display: str) -> io.FileIO:
    """The file at ``path`` opened once more, refused if it is no longer the file opened first
    (replaced by another program in between)."""
    again = open(path, "rb", buffering=0)  # noqa: SIM115  (closed by the caller)
    now = os.fstat(again.fileno())
    if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
        again.close()
        raise _changed(display)
    return again


def _read_block(fh: io.FileIO, block: memoryview, display: str) -> None:
    """Fill ``block`` with the next bytes of ``fh``; a file that ends early has changed."""
    done = 0
    while done < len(block):
        with block[done:] as rest:
            n = fh.readinto(rest)
        if not n:
            raise _changed(display)
        done += n


def _check_unchanged(fh: io.FileIO, before: os.stat_result, read: int, display: str) -> None:
    """Refuse a file that is no longer what was read: another size or modification time, or
    more bytes after the ``read`` ones (a program still writing it)."""
    after = os.fstat(fh.fileno())
    if (
        read != before.st_size
        or after.st_size != before.st_size
        or after.st_mtime_ns != before.st_mtime_ns
        or fh.seek(read) != read
        or fh.read(1)
    ):
        raise _changed(display)


def _changed(display: str) -> IngestError:
    return IngestError(
        "changed while it was being read (another program is still writing to it)",
        file=display,
        expected="a complete file: wait until the export has finished, then import it again",
    )
