"""``python -m review digest``: the review period's digest from the app's database, written as
Markdown, HTML or JSON, and sent by e-mail or to a webhook (see :mod:`review.build` for the
numbers and :mod:`review.deliver` for the delivery).
"""

from __future__ import annotations

from argparse import Namespace

from lib import digest
from lib.store import Store
from review import deliver
from review.build import build
from review.context import write


def render(d: digest.Digest, fmt: str) -> str:
    """The digest in ``fmt`` (md, html or json)."""
    return {"md": digest.to_markdown, "html": digest.to_html, "json": digest.to_json}[fmt](d)


def run(args: Namespace) -> int:
    """Build the digest, write it, deliver it."""
    store = Store(args.database)
    try:
        if args.due:
            return deliver.send_due(store, args)
        _, d = build(store, args)
    finally:
        store.close()
    if args.out or not (args.email or args.webhook):
        write(render(d, args.format), args.out)
    if args.email:
        deliver.email(d, args.email)
    if args.webhook:
        deliver.webhook(d, args.webhook, args.kind)
    return 0
