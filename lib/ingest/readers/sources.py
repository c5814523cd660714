"""Opening a source: the bytes of a path, ``bytes`` or an uploaded file, and the budget that
stops a source (and whatever it decompresses to) at ``max_bytes``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from lib.errors import IngestError
from lib.ingest.readers._common import _UNCOUNTED_EXTS, _human_bytes
from lib.ingest.readers.blocks import Counts, read_file
from lib.ingest.readers.limits import Limits


class _Budget:
    """Counts decompressed bytes of one source against ``max_bytes``; carries the ``limits``
    every table read from the source is checked against."""

    def __init__(self, limit: int | None, limits: Limits | None = None) -> None:
        self.limit = limit
        self.limits = limits
        self.used = 0

    def charge(self, n: int, display: str) -> None:
        self.used += n
        if self.limit is not None and self.used > self.limit:
            raise IngestError(
                f"is larger than the limit of {_human_bytes(self.limit)} once decompressed",
                file=display,
                expected=f"at most {_human_bytes(self.limit)} of data per upload",
            )


def _load(source: Any, name: str | None, max_bytes: int | None) -> tuple[bytes, str, Counts | None]:
    """Return the bytes of a source, the name to show for it and, for a large file read from
    disk that may be delimited text, its line feeds and double quotes (counted while it was
    read; else None)."""
    if isinstance(source, str | Path):
        path = Path(source)
        display = name or path.name or str(path)
        try:
            if max_bytes is not None:
                _Budget(max_bytes).charge(path.stat().st_size, display)
            count = PurePosixPath(display.lower()).suffix not in _UNCOUNTED_EXTS
            data, counts = read_file(path, display, count=count)
            return data, display, counts
        except FileNotFoundError:
            raise IngestError("file not found", file=display, expected="an existing file") from None
        except IsADirectoryError:
            raise IngestError("is a folder", file=display, expected="a file") from None
        except OSError as exc:
            raise IngestError(
                f"cannot be opened ({exc.strerror or exc})",
                file=display,
                expected="a readable file",
            ) from None
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), name or "upload", None
    if hasattr(source, "getvalue") or hasattr(source, "read"):
        raw_name = getattr(source, "name", None)
        display = name or (PurePosixPath(str(raw_name)).name if raw_name else "upload")
        try:
            data = source.getvalue() if hasattr(source, "getvalue") else source.read()
        except (OSError, ValueError) as exc:
            raise IngestError(f"cannot be read ({exc})", file=display) from None
        if isinstance(data, str):
            data = data.encode("utf-8")
        return bytes(data), display, None
    raise IngestError(
        f"cannot read a {type(source).__name__}",
        file=name,
        expected="a file path, bytes or an uploaded file",
    )
