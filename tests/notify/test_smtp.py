"""lib.notify.smtp against a local SMTP server (tests/notify/servers.py): STARTTLS, SSL, sign-in,
inline images, and clear errors that name the server and never the password."""

from __future__ import annotations

import re
import socket

import pytest

from lib.notify import DeliveryError, OutgoingMessage, send_email, smtp_settings
from tests.notify.servers import PASSWORD, SmtpServer, TlsFiles

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MESSAGE = OutgoingMessage(
    subject="Escalation digest: 18.2%",
    text="Escalation rate 18.2% (+2.1 pts)",
    html='<p>Escalation rate <b>18.2%</b></p><img src="cid:trend">',
    images={"trend": PNG},
)


def _refused_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]  # closed again: nothing listens there


def test_starttls_sign_in_and_an_html_body_with_an_inline_image(smtp_server: SmtpServer) -> None:
    send_email(MESSAGE, ["ana@example.com", "bo@example.org"], smtp_server.settings())
    assert smtp_server.logins == ["digest"]
    assert smtp_server.envelopes == [("review@example.com", ["ana@example.com", "bo@example.org"])]
    (msg,) = smtp_server.messages
    assert msg["Subject"] == "Escalation digest: 18.2%"
    assert msg["To"] == "ana@example.com, bo@example.org"
    assert msg.get_content_type() == "multipart/alternative"
    text, related = msg.get_payload()
    assert text.get_content().strip() == "Escalation rate 18.2% (+2.1 pts)"
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    assert 'src="cid:trend"' in html.get_content()
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == "<trend>"
    assert image.get_content() == PNG


def test_tls_from_the_first_byte(tls_files: TlsFiles) -> None:
    server = SmtpServer(tls_files, tls="ssl")
    try:
        send_email(MESSAGE, ["ana@example.com"], server.settings())
        assert server.logins == ["digest"] and len(server.messages) == 1
    finally:
        server.stop()


def test_a_refused_sign_in_names_the_server_and_user_not_the_password(
    smtp_server: SmtpServer,
) -> None:
    with pytest.raises(DeliveryError) as err:
        send_email(MESSAGE, ["ana@example.com"], smtp_server.settings(password="wrong-pw"))
    text = str(err.value)
    assert f"localhost:{smtp_server.port}" in text and "refused the sign-in" in text
    assert "'digest'" in text and "REVIEW_SMTP_PASSWORD" in text
    assert "wrong-pw" not in text and PASSWORD not in text
    assert smtp_server.messages == []


def test_an_untrusted_certificate_says_how_to_trust_it(smtp_server: SmtpServer) -> None:
    with pytest.raises(DeliveryError, match="certificate was not trusted") as err:
        send_email(MESSAGE, ["ana@example.com"], smtp_server.settings(ca_file=""))
    assert "REVIEW_SMTP_CA_FILE" in str(err.value) and PASSWORD not in str(err.value)
    assert smtp_server.logins == []  # the password was never sent


def test_connection_refused_and_missing_starttls(tls_files: TlsFiles) -> None:
    port = _refused_port()
    settings = smtp_settings(
        {"REVIEW_SMTP_HOST": "127.0.0.1", "REVIEW_SMTP_PORT": str(port),
         "REVIEW_SMTP_FROM": "review@example.com", "REVIEW_SMTP_TIMEOUT": "5"}, {}
    )  # fmt: skip
    with pytest.raises(DeliveryError, match=rf"127\.0\.0\.1:{port}: connection refused"):
        send_email(MESSAGE, ["ana@example.com"], settings)
    plain = SmtpServer(tls_files, tls="none", user=None)
    try:
        with pytest.raises(DeliveryError, match="STARTTLS") as err:
            send_email(MESSAGE, ["ana@example.com"], plain.settings(tls="starttls"))
        assert f"localhost:{plain.port}" in str(err.value)
        send_email(MESSAGE, ["ana@example.com"], plain.settings())  # none: plain text is fine
        assert len(plain.messages) == 1
    finally:
        plain.stop()


def test_refused_recipient_and_bad_addresses(smtp_server: SmtpServer) -> None:
    smtp_server.refuse.add("gone@example.com")
    with pytest.raises(DeliveryError, match=r"refused the recipient.*gone@example\.com"):
        send_email(MESSAGE, ["gone@example.com"], smtp_server.settings())
    with pytest.raises(DeliveryError, match="'ana at example' is not an e-mail address"):
        send_email(MESSAGE, ["ana at example"], smtp_server.settings())
    with pytest.raises(DeliveryError, match="No recipient"):
        send_email(MESSAGE, [], smtp_server.settings())


def test_a_subject_cannot_add_headers(smtp_server: SmtpServer) -> None:
    msg = OutgoingMessage("Digest\r\nBcc: spy@example.com", "t", "<p>h</p>")
    send_email(msg, ["ana@example.com"], smtp_server.settings())
    (got,) = smtp_server.messages
    assert got["Subject"] == "Digest Bcc: spy@example.com" and got["Bcc"] is None
    assert smtp_server.envelopes[0][1] == ["ana@example.com"]


def test_settings_from_environment_over_secrets_masked_in_words() -> None:
    secrets = {"smtp": {"host": "mx.example.com", "user": "ana@example.com", "password": "s3cret",
                        "port": 2525}}  # fmt: skip
    s = smtp_settings({"REVIEW_SMTP_HOST": "mail.example.com"}, secrets)
    assert (s.host, s.port, s.user, s.sender, s.tls) == (
        "mail.example.com", 2525, "ana@example.com", "ana@example.com", "starttls",
    )  # fmt: skip
    assert "s3cret" not in repr(s) and "s3cret" not in s.describe()
    assert s.describe() == (
        "mail.example.com:2525 (STARTTLS), user ana@example.com, password set, from ana@example.com"
    )
    assert not smtp_settings({}, {}).configured
    assert smtp_settings({}, {}).describe() == "no mail server configured"
    with pytest.raises(DeliveryError, match=r"secret smtp\.tls is 'tls1' \(expected one of"):
        smtp_settings({}, {"smtp": {"tls": "tls1"}})
    with pytest.raises(DeliveryError, match="REVIEW_SMTP_TIMEOUT is '0'"):
        smtp_settings({"REVIEW_SMTP_TIMEOUT": "0"}, {})


def test_unconfigured_or_unsafe_settings_are_refused_before_connecting() -> None:
    with pytest.raises(DeliveryError, match="No mail server is configured: set REVIEW_SMTP_HOST"):
        send_email(MESSAGE, ["ana@example.com"], smtp_settings({}, {}))
    env = {"REVIEW_SMTP_HOST": "mail.example.com", "REVIEW_SMTP_TLS": "none",
           "REVIEW_SMTP_USER": "ana", "REVIEW_SMTP_PASSWORD": "s3cret",
           "REVIEW_SMTP_FROM": "review@example.com"}  # fmt: skip
    with pytest.raises(DeliveryError, match="unencrypted") as err:
        send_email(MESSAGE, ["ana@example.com"], smtp_settings(env, {}))
    assert "s3cret" not in str(err.value)
    with pytest.raises(DeliveryError, match=r"No sender address for mail\.example\.com:587"):
        send_email(
            MESSAGE, ["a@example.com"], smtp_settings({"REVIEW_SMTP_HOST": "mail.example.com"}, {})
        )
    bad_ca = env | {"REVIEW_SMTP_TLS": "ssl", "REVIEW_SMTP_CA_FILE": "/nonexistent.pem"}
    with pytest.raises(DeliveryError, match=r"Cannot read the CA file /nonexistent\.pem"):
        send_email(MESSAGE, ["a@example.com"], smtp_settings(bad_ca, {}))


def test_a_text_only_message_has_no_empty_html_part(smtp_server: SmtpServer) -> None:
    sender = "Escalation Review <review@example.com>"
    message = OutgoingMessage("Digest", "# Digest\n\nRate 18.2%", "")
    send_email(message, ["a@example.com"], smtp_server.settings(sender=sender))
    (msg,) = smtp_server.messages
    assert smtp_server.envelopes[0][0] == "review@example.com"
    assert msg["From"] == sender and re.fullmatch(r"<[^<>@]+@example\.com>", msg["Message-ID"])
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content().startswith("# Digest")
