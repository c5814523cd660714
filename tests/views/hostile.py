"""Hostile names for page tests: Markdown that would load outside content if not escaped."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

#: An image whose URL every visitor's browser would fetch if this reached Markdown raw.
IMAGE = "![x](http://127.0.0.1:8799/{}.png)"
#: An unescaped Markdown image or link: ``![`` or ``](`` without backslashes before them.
_RAW = re.compile(r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\(")


def raw_markdown(at: AppTest) -> list[str]:
    """Every text element (and metric, tooltip) of the page whose Markdown holds a raw link."""
    texts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader",
                 "header", "title", "toast"):  # fmt: skip
        texts += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        texts += [str(m.label), str(m.value), str(getattr(m, "delta", "") or "")]
    return [t for t in texts if _RAW.search(t)]
