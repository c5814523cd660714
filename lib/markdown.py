"""The one escaping helper for text from a file or a user that reaches Markdown.

Streamlit renders Markdown in ``st.markdown``, ``st.caption``, ``st.info`` and friends, in
widget labels and ``help=`` tooltips, and in the minutes we export. A column name such as
``![x](http://host/x.png)`` would otherwise make every visitor's browser fetch that URL, and
``:red[...]``, ``:material/...:`` or ``$...$`` would be read as Streamlit directives. Every
value that comes from an export, the database or a form goes through ``md_escape`` first;
only the app's own wording stays unescaped.

Example
-------
>>> md_escape("![x](http://127.0.0.1:8799/c.png)")
'\\\\!\\\\[x\\\\](http://127.0.0.1:8799/c.png)'
>>> md_escape(None), md_escape(3)
('', '3')
"""

from __future__ import annotations

import re
from typing import Any

#: Characters that start Markdown, HTML, GFM or Streamlit syntax (``:red[x]``, ``$math$``).
#: ``:`` is left alone: without ``[`` it can only make a bundled icon or emoji.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!$])")
#: A list or heading marker at the start of a line (``- x``, ``+ x``, ``= x``, ``1. x``).
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)


def md_escape(text: Any) -> str:
    """Text made literal in Markdown: one line, every special character backslash-escaped.

    >>> md_escape("<script>alert(1)</script> *bold* | 1. x")
    '\\\\<script\\\\>alert(1)\\\\</script\\\\> \\\\*bold\\\\* \\\\| 1. x'
    >>> md_escape("- item"), md_escape("1. first"), md_escape("two\\nlines")
    ('\\\\- item', '1\\\\. first', 'two lines')
    """
    if text is None:
        return ""
    one_line = " ".join(str(text).split())
    out = _MD_SPECIAL.sub(r"\\\1", one_line)
    return _MD_LINE_START.sub(_escape_line_start, out)


def md_inline(text: Any) -> str:
    """Like :func:`md_escape`, for text that never starts a line (a table cell, a list item
    after its marker): a leading number or dash stays as it is.

    >>> md_inline("-1.2 pts"), md_inline("12.6% *x*")
    ('-1.2 pts', '12.6% \\\\*x\\\\*')
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str("" if text is None else text).split()))


def md_escape_lines(text: Any, indent: str = "") -> str:
    """Multi-line text, each line escaped with ``md_escape`` and indented.

    >>> md_escape_lines("a *b*\\n\\n- c", indent="  ")
    '  a \\\\*b\\\\*\\n\\n  \\\\- c'
    """
    lines = [md_escape(line) for line in str(text or "").splitlines()]
    return "\n".join(f"{indent}{line}" if line else "" for line in lines).rstrip()


def _escape_line_start(m: re.Match[str]) -> str:
    """``- x`` -> ``\\- x``; ``1. x`` -> ``1\\. x`` (a backslash only escapes punctuation)."""
    lead, mark = m.group(1), m.group(2)
    return f"{lead}{mark[:-1]}\\{mark[-1]}"
