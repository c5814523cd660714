"""Simulate the CUSUM thresholds of the detector's default settings for every wandering share of
``lib.anomaly.cusum.WANDER_GRID`` and write ``lib/anomaly/cusum_table.py`` (about a minute).

Usage: ``.venv/bin/python scripts/cusum_table.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.anomaly.cusum import WANDER_GRID, cusum_threshold
from lib.anomaly.options import _Options
from lib.anomaly.sensitivity import SENSITIVITY

TARGET = Path(__file__).resolve().parents[1] / "lib" / "anomaly" / "cusum_table.py"


def main() -> None:
    """Simulate and write the table (daily CUSUMs of every sensitivity, default window/guard)."""
    opts = _Options()
    lines = []
    for sens in SENSITIVITY.values():
        key = (sens.cusum_arl, opts.window, opts.guard, 1)
        hs = [
            cusum_threshold(key[0], fitted_on=key[1], guard=key[2], df_step=key[3], wander=w)
            for w in WANDER_GRID
        ]
        body = "".join(f"        {h:g},\n" for h in hs)  # as ruff format writes it
        lines.append(f"    {key!r}: (\n{body}    ),")
    head = TARGET.read_text().split("TABLE:")[0]
    TARGET.write_text(
        head
        + "TABLE: dict[tuple[float, int, int, int], tuple[float, ...]] = {\n"
        + "\n".join(lines)
        + "\n}\n"
    )
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
