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


def write_whole(
    path: Path | str,
    suffix: str,
    write: Callable[[Path], object],
    *,
    beside: Path | str | None = None,
) -> bool:
    """Call ``write`` with a temporary file beside ``path`` (ending in ``suffix``), then put
    it in ``path``'s place. False when that fails with an operating-system or Polars error (a
    read-only folder, a full disk); no temporary file is then left behind. ``beside``: the
    snapshot the file is kept beside; when it is gone by the end (its dataset deleted or its
    snapshot replaced meanwhile, which deletes the files beside it), nothing is left either."""
    side = Path(path)
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(dir=side.parent, prefix=".tmp-", suffix=suffix)
        os.close(fd)
        tmp = Path(name)
        write(tmp)
        if beside is not None and not Path(beside).exists():
            raise FileNotFoundError(beside)
        os.replace(tmp, side)
    except (OSError, pl.exceptions.PolarsError):
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return False
    if beside is not None and not Path(beside).exists():  # deleted while it was renamed
        side.unlink(missing_ok=True)
        return False
    return True


def sidecar_of(snapshot: Path | str, name: str) -> Path:
    """The file kept beside ``snapshot`` under ``name``: ``<snapshot stem>.<name>``.

    >>> sidecar_of("/s/dataset-3-0a1b.parquet", "codes.parquet").name
    'dataset-3-0a1b.codes.parquet'
    """
    snap = Path(snapshot)
    return snap.with_name(f"{snap.stem}.{name}")


def snapshot_of(path: Path | str, name: str) -> Path:
    """The snapshot a file kept beside it under ``name`` belongs to (:func:`sidecar_of`'s
    inverse).

    >>> snapshot_of("/s/dataset-3-0a1b.codes.parquet", "codes.parquet").name
    'dataset-3-0a1b.parquet'
    """
    side = Path(path)
    return side.with_name(side.name.removesuffix(f".{name}") + ".parquet")


def files_beside(snapshot: Path | str) -> list[Path]:
    """Every file kept beside ``snapshot`` (whatever its name), not the snapshot itself."""
    snap = Path(snapshot)
    return sorted(snap.parent.glob(f"{snap.stem}.*"))


#: Tickets a file kept beside a snapshot is checked against when read (:func:`checked_rows`).
CHECKED_ROWS = 1_000


def checked_rows(n: int) -> pl.Series:
    """Up to :data:`CHECKED_ROWS` row numbers spread evenly over ``n`` rows, first and last
    included: the tickets a kept file must agree with (one of other tickets fails).

    >>> checked_rows(5).to_list(), checked_rows(10**7).len(), checked_rows(0).len()
    ([0, 1, 2, 3, 4], 1000, 0)
    """
    if n == 0:
        return pl.Series([], dtype=pl.Int64)
    return pl.Series(sorted({i * (n - 1) // (CHECKED_ROWS - 1) for i in range(CHECKED_ROWS)}))


__all__ = [
    "CHECKED_ROWS",
    "checked_rows",
    "files_beside",
    "sidecar_of",
    "snapshot_of",
    "write_whole",
]
