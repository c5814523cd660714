"""Files kept beside a snapshot (sentiment scores, agent codes, filter choices): written whole,
then renamed, so a reader never sees half a file; a place that cannot be written is no error
(what would have been kept is worked out again next time).

>>> import tempfile, pathlib
>>> side = pathlib.Path(tempfile.mkdtemp(), "x.json")
>>> write_whole(side, ".json", lambda tmp: tmp.write_text("{}"))
True
>>> side.read_text(), write_whole(side.parent / "gone" / "x.json", ".json", print)
('{}', False)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl


def write_whole(path: Path | str, suffix: str, write: Callable[[Path], object]) -> bool:
    """Call ``write`` with a temporary file beside ``path`` (ending in ``suffix``), then put
    it in ``path``'s place. False when that fails with an operating-system or Polars error (a
    read-only folder, a full disk); no temporary file is then left behind."""
    side = Path(path)
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(dir=side.parent, prefix=".tmp-", suffix=suffix)
        os.close(fd)
        tmp = Path(name)
        write(tmp)
        os.replace(tmp, side)
    except (OSError, pl.exceptions.PolarsError):
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return False
    return True


__all__ = ["write_whole"]
