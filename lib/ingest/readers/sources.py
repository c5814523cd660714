"""Opening a source: the bytes of a path, ``bytes`` or an uploaded file, and the budget that
stops a source (and whatever it decompresses to) at ``max_bytes``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from lib.errors import IngestError
from lib.ingest.readers._common import _human_bytes
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


def _load(source: Any, name: str | None, max_bytes: int | None) -> tuple[bytes, str]:
    """Return the bytes of a source and the name to show for it."""
    if isinstance(source, str | Path):
        path = Path(source)
        display = name or path.name or str(path)
        try:
            if max_bytes is not None:
                _Budget(max_bytes).charge(path.stat().st_size, display)
            return path.read_bytes(), display
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
        return bytes(source), name or "upload"
    if hasattr(source, "getvalue") or hasattr(source, "read"):
        raw_name = getattr(source, "name", None)
        display = name or (PurePosixPath(str(raw_name)).name if raw_name else "upload")
        try:
            data = source.getvalue() if hasattr(source, "getvalue") else source.read()
        except (OSError, ValueError) as exc:
            raise IngestError(f"cannot be read ({exc})", file=display) from None
        if isinstance(data, str):
            data = data.encode("utf-8")
        return bytes(data), display
    raise IngestError(
        f"cannot read a {type(source).__name__}",
        file=name,
        expected="a file path, bytes or an uploaded file",
    )
