"""E-mail over SMTP: where the server and its credentials come from, and sending one message.

The settings come from environment variables ``REVIEW_SMTP_*`` or the ``[smtp]`` section of
Streamlit's secrets (an environment variable wins over the same secret), never from the
database or a page. The password is kept out of ``repr``, out of :meth:`SmtpSettings.describe`
and out of every error message (:func:`send_email` scrubs it).

Example
-------
>>> s = smtp_settings({"REVIEW_SMTP_HOST": "mail.example.com", "REVIEW_SMTP_USER": "ana",
...                    "REVIEW_SMTP_PASSWORD": "s3cret", "REVIEW_SMTP_FROM": "review@example.com"},
...                   {})
>>> s.describe()
'mail.example.com:587 (STARTTLS), user ana, password set, from review@example.com'
>>> "s3cret" in repr(s)
False
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lib.notify.message import DeliveryError, OutgoingMessage, check_addresses, to_mime

__all__ = [
    "ENV_PREFIX",
    "SECRETS_SECTION",
    "SETTING_KEYS",
    "TLS_MODES",
    "SmtpSettings",
    "send_email",
    "smtp_settings",
]

ENV_PREFIX = "REVIEW_SMTP_"
SECRETS_SECTION = "smtp"
TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
#: Setting -> what it holds (the README's table lists the same).
SETTING_KEYS = {
    "host": "the mail server's host name",
    "port": "its port (587 for STARTTLS, 465 for SSL, 25 for none)",
    "user": "the user name to sign in with (none: no sign-in)",
    "password": "its password",
    "from": "the sender address",
    "tls": "starttls, ssl or none",
    "ca_file": "a CA certificate file (PEM) for a server with a self-signed certificate",
    "timeout": "seconds to wait for the server",
}
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send e-mail. ``password`` is never shown (``repr=False``)."""

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    tls: str = "starttls"
    ca_file: str = ""
    timeout: float = 20.0

    @property
    def configured(self) -> bool:
        """True when there is a server to send to."""
        return bool(self.host)

    @property
    def server(self) -> str:
        """``host:port``, safe to show."""
        return f"{self.host}:{self.port}"

    def describe(self) -> str:
        """The settings in words, password masked, safe to show on a page or in a log."""
        if not self.configured:
            return "no mail server configured"
        tls = {"starttls": "STARTTLS", "ssl": "SSL", "none": "no encryption"}[self.tls]
        bits = [f"{self.server} ({tls})"]
        if self.user:
            bits.append(f"user {self.user}")
            bits.append("password set" if self.password else "no password")
        bits.append(f"from {self.sender or '(no sender set)'}")
        if self.ca_file:
            bits.append(f"CA file {self.ca_file}")
        return ", ".join(bits)


def _raw(env: Mapping[str, str], secrets: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """key -> (value, where it came from) for every setting that is set."""
    section = secrets.get(SECRETS_SECTION) if hasattr(secrets, "get") else None
    out: dict[str, tuple[str, str]] = {}
    if isinstance(section, Mapping):
        for key in SETTING_KEYS:
            value = section.get(key)
            if value not in (None, ""):
                out[key] = (str(value).strip(), f"the secret {SECRETS_SECTION}.{key}")
    for key in SETTING_KEYS:
        name = ENV_PREFIX + key.upper()
        value = env.get(name)
        if value not in (None, ""):
            out[key] = (str(value).strip(), f"the environment variable {name}")
    return out


def smtp_settings(env: Mapping[str, str], secrets: Mapping[str, Any]) -> SmtpSettings:
    """The SMTP settings from ``env`` (``REVIEW_SMTP_HOST``, ``_PORT``, ``_USER``,
    ``_PASSWORD``, ``_FROM``, ``_TLS``, ``_CA_FILE``, ``_TIMEOUT``) over ``secrets``'
    ``[smtp]`` section (``host``, ``port``, ...). Nothing set gives unconfigured settings;
    a bad value raises :class:`DeliveryError` naming the variable.

    >>> smtp_settings({}, {"smtp": {"host": "mx.example.com", "tls": "ssl"}}).port
    465
    >>> smtp_settings({"REVIEW_SMTP_PORT": "abc"}, {})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    lib.notify.message.DeliveryError: the environment variable REVIEW_SMTP_PORT is 'abc' (...)
    """
    raw = _raw(env, secrets)
    tls = raw.get("tls", ("starttls", ""))[0].lower()
    if tls not in TLS_MODES:
        raise DeliveryError(f"{raw['tls'][1]} is {tls!r} (expected one of {', '.join(TLS_MODES)})")
    port = DEFAULT_PORTS[tls]
    if "port" in raw:
        value, where = raw["port"]
        if not value.isdigit() or not 0 < int(value) < 65536:
            raise DeliveryError(f"{where} is {value!r} (expected a port number, 1-65535)")
        port = int(value)
    timeout = 20.0
    if "timeout" in raw:
        value, where = raw["timeout"]
        try:
            timeout = float(value)
        except ValueError:
            timeout = -1.0
        if not 0 < timeout <= 600:
            raise DeliveryError(f"{where} is {value!r} (expected seconds, 1-600)")
    user = raw.get("user", ("", ""))[0]
    sender = raw.get("from", ("", ""))[0] or (user if "@" in user else "")
    return SmtpSettings(
        host=raw.get("host", ("", ""))[0],
        port=port,
        user=user,
        password=raw.get("password", ("", ""))[0],
        sender=sender,
        tls=tls,
        ca_file=raw.get("ca_file", ("", ""))[0],
        timeout=timeout,
    )


def _context(settings: SmtpSettings) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=settings.ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise DeliveryError(
            f"Cannot read the CA file {settings.ca_file} for {settings.server}: "
            f"{exc.strerror or exc} (expected a PEM certificate file)"
        ) from None


def _scrub(text: str, settings: SmtpSettings) -> str:
    return text.replace(settings.password, "***") if settings.password else text


def _check(settings: SmtpSettings) -> None:
    if not settings.configured:
        raise DeliveryError(
            "No mail server is configured: set REVIEW_SMTP_HOST (and REVIEW_SMTP_USER, "
            "REVIEW_SMTP_PASSWORD, REVIEW_SMTP_FROM) or an [smtp] section in "
            ".streamlit/secrets.toml"
        )
    if not settings.sender:
        raise DeliveryError(
            f"No sender address for {settings.server}: set REVIEW_SMTP_FROM (or from under [smtp])"
        )
    if settings.tls == "none" and settings.password and settings.host not in _LOCAL_HOSTS:
        raise DeliveryError(
            f"Refusing to send the password to {settings.server} unencrypted: set "
            "REVIEW_SMTP_TLS to starttls or ssl (none is only for a server on this machine)"
        )


def send_email(message: OutgoingMessage, to: Sequence[str], settings: SmtpSettings) -> None:
    """Send ``message`` to ``to`` through the server of ``settings``.

    Raises :class:`DeliveryError` with a message naming the server and what failed
    (connection refused, sign-in refused, TLS failed, recipient refused); it never holds the
    password.
    """
    _check(settings)
    recipients = check_addresses(to)
    mime = to_mime(message, sender=settings.sender, to=recipients)
    server = settings.server
    try:
        _deliver(mime, recipients, settings)
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"The mail server {server} refused the sign-in of user {settings.user!r} "
            f"({exc.smtp_code}): check REVIEW_SMTP_USER and REVIEW_SMTP_PASSWORD"
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(
            f"The mail server {server} does not support this: {_scrub(str(exc), settings)} "
            "(for STARTTLS, set REVIEW_SMTP_TLS to ssl or none if the server offers no STARTTLS)"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        who = ", ".join(sorted(exc.recipients))
        raise DeliveryError(f"The mail server {server} refused the recipient(s) {who}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise DeliveryError(
            f"The mail server {server} refused the sender {settings.sender} ({exc.smtp_code}): "
            "check REVIEW_SMTP_FROM"
        ) from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(
            f"TLS with the mail server {server} failed: its certificate was not trusted "
            f"({exc.verify_message}). For a self-signed certificate set REVIEW_SMTP_CA_FILE "
            "to its CA file"
        ) from None
    except ssl.SSLError as exc:
        raise DeliveryError(
            f"TLS with the mail server {server} failed ({exc.reason or exc}): check "
            "REVIEW_SMTP_TLS (starttls on port 587, ssl on port 465)"
        ) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        raise DeliveryError(
            f"The mail server {server} answered {exc.smtp_code} {_scrub(text, settings)}"
        ) from None
    except ConnectionRefusedError:
        raise DeliveryError(
            f"Cannot reach the mail server {server}: connection refused (is the host and port "
            "right, and the server running?)"
        ) from None
    except TimeoutError:
        raise DeliveryError(
            f"The mail server {server} did not answer within {settings.timeout:g} s"
        ) from None
    except socket.gaierror:
        raise DeliveryError(
            f"Cannot find the mail server {settings.host}: the host name is unknown"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(
            f"Sending through the mail server {server} failed: {_scrub(str(exc), settings)}"
        ) from None


def _deliver(mime: Any, recipients: list[str], settings: SmtpSettings) -> None:
    if settings.tls == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=_context(settings)
        )
    else:
        conn = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with conn:
        conn.ehlo()
        if settings.tls == "starttls":
            conn.starttls(context=_context(settings))
            conn.ehlo()
        if settings.user:
            conn.login(settings.user, settings.password)
        conn.send_message(mime, from_addr=settings.sender, to_addrs=recipients)
