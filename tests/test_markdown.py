"""The one Markdown escaping helper: hostile names from an export render as plain text."""

from __future__ import annotations

import re

import pytest

from lib.markdown import md_escape

HOSTILE = [
    "![x](http://127.0.0.1:8799/colname.png)",
    "[click](javascript:alert(1))",
    "<img src=http://evil.test/x.png>",
    ":red[alarm] :material/warning:",
    "$\\href{http://evil.test}{x}$",
    "`code` *b* _i_ ~s~ # h | t",
]


def test_md_escape_cases() -> None:
    assert md_escape("a_b*c") == "a\\_b\\*c"
    assert md_escape("# title") == "\\# title"
    assert md_escape("1. first") == "1\\. first"
    assert md_escape("+ x"), md_escape("= x") == ("\\+ x", "\\= x")
    assert md_escape("two\nlines") == "two lines"


@pytest.mark.parametrize("text", HOSTILE)
def test_every_special_character_is_escaped(text: str) -> None:
    out = md_escape(text)
    # Every Markdown/HTML/Streamlit control character is preceded by a backslash.
    assert not re.search(r"(?<!\\)[\[\]<>!`*_~#|$]", out.replace("\\\\", "")), out
    assert out.replace("\\", "") == text.replace("\\", "")
