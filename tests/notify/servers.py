"""Local servers for delivery tests, started by the tests themselves: nothing leaves the machine.

- :class:`SmtpServer`: a small SMTP server on 127.0.0.1 (a socket thread) speaking EHLO/HELO,
  STARTTLS (or TLS from the first byte, ``tls="ssl"``), AUTH PLAIN/LOGIN, MAIL, RCPT, DATA,
  RSET, NOOP and QUIT, with a self-signed CA and a ``localhost`` certificate made by
  ``cryptography`` (:func:`make_tls_files`). Received messages are parsed into
  ``email.message.EmailMessage`` objects (``server.messages``).
- :class:`WebhookReceiver`: ``http.server`` in a thread that records each POST (path, headers,
  JSON body) and answers ``status``.

Fixtures (registered in ``tests/conftest.py``, so every test package may use them):
``smtp_server`` (STARTTLS, user ``digest``), ``tls_files`` and ``webhook_receiver``::

    def test_mail(smtp_server):
        send_email(msg, ["ana@example.com"], smtp_server.settings())
        assert smtp_server.messages[0]["Subject"] == "Digest"

    def test_cli(smtp_server, monkeypatch):
        for k, v in smtp_server.env().items():
            monkeypatch.setenv(k, v)
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from lib.notify import SmtpSettings

USER = "digest"
PASSWORD = "pw-Zq8!local"


@dataclass(frozen=True)
class TlsFiles:
    """PEM files: the CA a client trusts, and the server's certificate chain and key."""

    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_tls_files(folder: Path) -> TlsFiles:
    """A throwaway CA and a certificate for ``localhost`` / 127.0.0.1 signed by it."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Escalation Review test CA"))
        .issuer_name(_name("Escalation Review test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    files = TlsFiles(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    files.ca.write_bytes(ca_cert.public_bytes(pem))
    files.cert.write_bytes(cert.public_bytes(pem))
    files.key.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return files


@dataclass
class SmtpServer:
    """A local SMTP server: ``tls`` is ``"starttls"``, ``"ssl"`` or ``"none"``; with ``user``
    set, mail is accepted only after AUTH with ``user``/``password`` (offered only once the
    connection is encrypted, unless ``tls="none"``). Recipients in ``refuse`` get a 550."""

    tls_files: TlsFiles | None
    tls: str = "starttls"
    user: str | None = USER
    password: str = PASSWORD
    refuse: set[str] = field(default_factory=set)
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._ctx = self.tls_files.server_context() if self.tls_files else None
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._serve, daemon=True)
        self._accept.start()

    # ---- for tests ------------------------------------------------------------------------
    def settings(self, **changes: Any) -> SmtpSettings:
        """Client settings that reach this server (trusting its CA)."""
        values: dict[str, Any] = {
            "host": "localhost",
            "port": self.port,
            "user": self.user or "",
            "password": self.password if self.user else "",
            "sender": "review@example.com",
            "tls": self.tls,
            "ca_file": str(self.tls_files.ca) if self.tls_files else "",
            "timeout": 5.0,
        }
        values.update(changes)
        return SmtpSettings(**values)

    def env(self) -> dict[str, str]:
        """The same as ``REVIEW_SMTP_*`` environment variables (for the command line)."""
        s = self.settings()
        out = {
            "REVIEW_SMTP_HOST": s.host,
            "REVIEW_SMTP_PORT": str(s.port),
            "REVIEW_SMTP_FROM": s.sender,
            "REVIEW_SMTP_TLS": s.tls,
            "REVIEW_SMTP_TIMEOUT": "5",
        }
        if s.user:
            out |= {"REVIEW_SMTP_USER": s.user, "REVIEW_SMTP_PASSWORD": s.password}
        if s.ca_file:
            out["REVIEW_SMTP_CA_FILE"] = s.ca_file
        return out

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # shutdown wakes the blocked accept(), close does not
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._accept.join(timeout=5)
        for t in self._threads:
            t.join(timeout=5)

    # ---- the protocol -----------------------------------------------------------------------
    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            t = threading.Thread(target=self._session, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _session(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            if self.tls == "ssl":
                conn = self._ctx.wrap_socket(conn, server_side=True)
            self._talk(conn, encrypted=self.tls == "ssl")
        except (OSError, ssl.SSLError) as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    def _talk(self, conn: socket.socket, *, encrypted: bool) -> None:
        reader = conn.makefile("rb")

        def send(line: str) -> None:
            conn.sendall(line.encode() + b"\r\n")

        def read() -> str:
            raw = reader.readline(10_000)
            if not raw:
                raise ConnectionAbortedError("client went away")
            return raw.decode().rstrip("\r\n")

        send("220 localhost test SMTP ready")
        authed, sender, rcpts = self.user is None, "", []
        while True:
            line = read()
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                offers = ["SIZE 10000000", "8BITMIME"]
                if self.tls == "starttls" and not encrypted:
                    offers.append("STARTTLS")
                if self.user and (encrypted or self.tls == "none"):
                    offers.append("AUTH PLAIN LOGIN")
                lines = ["localhost greets you", *offers]
                send("\r\n".join(f"250-{t}" for t in lines[:-1]) + f"\r\n250 {lines[-1]}")
            elif verb == "HELO":
                send("250 localhost")
            elif verb == "STARTTLS" and self.tls == "starttls" and not encrypted:
                send("220 go ahead")
                conn = self._ctx.wrap_socket(conn, server_side=True)
                reader = conn.makefile("rb")
                encrypted, authed, sender, rcpts = True, self.user is None, "", []
            elif verb == "AUTH" and self.user:
                mech, _, initial = arg.partition(" ")
                if mech.upper() == "PLAIN":
                    if not initial:
                        send("334 ")
                        initial = read()
                    parts = base64.b64decode(initial).split(b"\0")
                    user, pw = parts[-2].decode(), parts[-1].decode()
                else:
                    send("334 VXNlcm5hbWU6")
                    user = base64.b64decode(read()).decode()
                    send("334 UGFzc3dvcmQ6")
                    pw = base64.b64decode(read()).decode()
                if user == self.user and pw == self.password:
                    authed = True
                    self.logins.append(user)
                    send("235 2.7.0 Authentication successful")
                else:
                    send("535 5.7.8 Authentication credentials invalid")
            elif verb == "MAIL":
                if not authed:
                    send("530 5.7.0 Authentication required")
                    continue
                sender, rcpts = arg.split(":", 1)[1].strip().split()[0].strip("<>"), []
                send("250 OK")
            elif verb == "RCPT":
                address = arg.split(":", 1)[1].strip().strip("<>")
                if address in self.refuse:
                    send(f"550 5.1.1 <{address}> no such mailbox")
                else:
                    rcpts.append(address)
                    send("250 OK")
            elif verb == "DATA":
                send("354 end with <CRLF>.<CRLF>")
                body = bytearray()
                while (raw := reader.readline(1_000_000)) not in (b".\r\n", b""):
                    body += raw[1:] if raw.startswith(b"..") else raw
                parsed = BytesParser(policy=policy.default).parsebytes(bytes(body))
                self.messages.append(parsed)  # type: ignore[arg-type]
                self.envelopes.append((sender, list(rcpts)))
                send("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                send("250 OK")
            elif verb == "QUIT":
                send("221 bye")
                return
            else:
                send("502 5.5.2 command not recognised")


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A CA and a ``localhost`` certificate made for this test run."""
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_server(tls_files: TlsFiles) -> Iterator[SmtpServer]:
    """A local SMTP server with STARTTLS and sign-in (``server.settings()`` reaches it)."""
    server = SmtpServer(tls_files)
    yield server
    server.stop()


@dataclass
class Received:
    """One POST the receiver got."""

    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes = b""


class WebhookReceiver:
    """A local HTTP server recording POSTs; answers ``status`` (``statuses[path]`` first)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.status = 200
        self.statuses: dict[str, int] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw
                receiver.requests.append(Received(self.path, dict(self.headers), body, raw))
                status = receiver.statuses.get(self.path, receiver.status)
                text = b"ok" if status < 300 else b"invalid_payload for " + self.path.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._http.server_address[1]
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/hooks/T000/B000/secret-token") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A local HTTP receiver for webhook posts (``receiver.url()``, ``receiver.requests``)."""
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()
