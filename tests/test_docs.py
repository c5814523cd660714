"""Every setting the code reads is documented in the README (datasette's habit)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_is_documented() -> None:
    code = ROOT.glob("**/*.py")
    names: set[str] = set()
    for path in code:
        if ".venv" in path.parts or "tests" in path.parts or "scripts" in path.parts:
            continue
        names |= set(re.findall(r'os\.environ(?:\.get)?\(\s*"([A-Z_]+)"', path.read_text()))
    readme = (ROOT / "README.md").read_text()
    assert names, "no settings found: the pattern is wrong"
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert not missing, f"settings not documented in README.md: {missing}"


def test_every_make_target_in_readme_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):", makefile, flags=re.M))
    readme = (ROOT / "README.md").read_text()
    used = set(re.findall(r"make ([a-z][a-z0-9-]*)", readme))
    assert used <= targets, used - targets
