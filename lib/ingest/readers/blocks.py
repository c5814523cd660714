"""Reading a file from disk into one ``bytes`` object, in large blocks: a reader thread
copies the blocks in while the calling thread counts the line feeds and double quotes of each
block that has landed, so the count a delimited file needs costs no wall time of its own.

The file is not memory-mapped (a file another program rewrites during the import would stop
the process with ``SIGBUS``): its bytes are copied once, into the buffer of an
``io.BytesIO`` made from a zero-filled ``bytes`` (public API: ``getbuffer`` writes, then
``getvalue`` hands the same object back once no view is left, without a second copy on
CPython). A file whose size or modification time changes while it is read is refused with a
message naming it.

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

#: Bytes copied in one system call; a block is counted while the next one is read.
BLOCK_BYTES = 1 << 22
#: Files smaller than this are read in one call and counted later by the reader that needs it.
MIN_BLOCKWISE = 1 << 24
#: How a file starts when it is a container (zip, gzip, Parquet, old Excel): nothing to count.
_CONTAINER_HEADS = (b"PK", b"\x1f\x8b", b"PAR1", b"\xd0\xcf\x11\xe0")

Counts = tuple[int, int]


def read_file(
    path: Path, display: str, *, count: bool, min_blockwise: int = MIN_BLOCKWISE
) -> tuple[bytes, Counts | None]:
    """The bytes of the file at ``path`` and, when ``count`` is asked for and the file was read
    block-wise, its line feeds and double quotes (else None: the reader counts when it needs
    to). OSError is left to the caller; a file that changes while it is read raises
    :class:`IngestError` naming ``display``."""
    with open(path, "rb", buffering=0) as fh:
        before = os.fstat(fh.fileno())
        if not stat.S_ISREG(before.st_mode):  # a pipe or a device: no size to read against
            return fh.readall(), None
        size = before.st_size
        if size < max(min_blockwise, 1):
            data = fh.readall()
            counts = None
        else:
            data, counts = _read_blocks(fh, size, display, count)
        _check_unchanged(fh, before, len(data), display)
    return data, counts


def _read_blocks(
    fh: io.FileIO, size: int, display: str, count: bool
) -> tuple[bytes, Counts | None]:
    """Read ``size`` bytes of ``fh`` on a thread, counting each block here as it lands."""
    buffer = io.BytesIO(bytes(size))  # zero pages, not touched until the blocks land
    view = buffer.getbuffer()
    landed: queue.SimpleQueue[tuple[int, int] | BaseException | None] = queue.SimpleQueue()
    stop = threading.Event()

    def read_all() -> None:
        try:
            for start in range(0, size, BLOCK_BYTES):
                if stop.is_set():
                    break
                end = min(start + BLOCK_BYTES, size)
                with view[start:end] as block:
                    _read_block(fh, block, display)
                landed.put((start, end))
            landed.put(None)
        except BaseException as exc:  # handed to the calling thread
            landed.put(exc)

    reader = threading.Thread(target=read_all, name="read-file", daemon=True)
    reader.start()
    newlines = quotes = 0
    try:
        while (item := landed.get()) is not None:
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
        reader.join()
        view.release()
    data = buffer.getvalue()
    del buffer
    return data, (newlines, quotes) if count else None


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
    """Refuse a file that is no longer what was read (``fh`` is at its end): another size or
    modification time, or more bytes after the end (a program still writing it)."""
    after = os.fstat(fh.fileno())
    if (
        read != before.st_size
        or after.st_size != before.st_size
        or after.st_mtime_ns != before.st_mtime_ns
        or fh.read(1)
    ):
        raise _changed(display)


def _changed(display: str) -> IngestError:
    return IngestError(
        "changed while it was being read (another program is still writing to it)",
        file=display,
        expected="a complete file: wait until the export has finished, then import it again",
    )
