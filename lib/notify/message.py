"""What is delivered: one :class:`OutgoingMessage` (subject, plain text, HTML and inline PNG
images by Content-ID) and its MIME form for e-mail, plus the error every delivery raises.

Example
-------
>>> msg = OutgoingMessage("Digest", "Rate 12%", "<p>Rate 12%</p><img src='cid:trend'>",
...                       {"trend": b"\\x89PNG..."})
>>> mime = to_mime(msg, sender="review@example.com", to=["ana@example.com"])
>>> mime.get_content_type(), [p.get_content_type() for p in mime.walk()][1:]
('multipart/alternative', ['text/plain', 'multipart/related', 'text/html', 'image/png'])
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from lib.errors import ReviewError

__all__ = ["DeliveryError", "OutgoingMessage", "check_addresses", "to_mime"]

#: One plain e-mail address (no display name): what a subscription's recipients may be.
_ADDRESS = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"']+$")
_CID = re.compile(r"^[A-Za-z0-9._-]+$")


class DeliveryError(ReviewError):
    """A message could not be delivered; the text names the server (never a password or a
    webhook's full URL) and what to check."""


@dataclass(frozen=True)
class OutgoingMessage:
    """A message to deliver: ``images`` are PNG bytes keyed by Content-ID, referenced in
    ``html`` as ``cid:<key>``.

    >>> OutgoingMessage("Digest", "text", "<p>html</p>").images
    {}
    """

    subject: str
    text: str
    html: str
    images: Mapping[str, bytes] = field(default_factory=dict)


def check_addresses(to: Sequence[str] | str) -> list[str]:
    """The recipients as a clean list, or a :class:`DeliveryError` naming the bad one.

    >>> check_addresses("ana@example.com; bo@example.org")
    ['ana@example.com', 'bo@example.org']
    >>> check_addresses(["ana@example.com", "not an address"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    lib.notify.message.DeliveryError: 'not an address' is not an e-mail address (expected ...)
    """
    items = re.split(r"[,;\s]+", to) if isinstance(to, str) else list(to)
    out = [a.strip() for a in items if a and a.strip()]
    for address in out:
        if not _ADDRESS.match(address):
            raise DeliveryError(f"{address!r} is not an e-mail address (expected name@domain)")
    if not out:
        raise DeliveryError("No recipient: give at least one e-mail address")
    return out


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def to_mime(message: OutgoingMessage, *, sender: str, to: Sequence[str]) -> EmailMessage:
    """The e-mail: ``multipart/alternative`` of the plain text and a ``multipart/related``
    HTML part holding the images (Content-ID ``<key>``). Header values are kept to one line."""
    mime = EmailMessage()
    mime["Subject"] = _one_line(message.subject) or "Escalation Review"
    mime["From"] = _one_line(sender)
    mime["To"] = ", ".join(check_addresses(to))
    mime["Date"] = formatdate(localtime=False)
    address = parseaddr(sender)[1]
    domain = address.rsplit("@", 1)[-1] if "@" in address else None
    mime["Message-ID"] = make_msgid("review", domain=domain)
    mime.set_content(message.text or "")
    if not message.html:  # a text-only message (Markdown, JSON): no HTML part, no images
        return mime
    mime.add_alternative(message.html, subtype="html")
    if message.images:
        html_part = mime.get_payload()[1]
        for cid, png in message.images.items():
            if not _CID.match(cid):
                raise DeliveryError(
                    f"Image key {cid!r} cannot be a Content-ID (expected letters, digits, . _ -)"
                )
            html_part.add_related(
                bytes(png), "image", "png", cid=f"<{cid}>", filename=f"{cid}.png",
                disposition="inline",
            )  # fmt: skip
    return mime
