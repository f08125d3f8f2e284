"""Digest delivery over SMTP, against a real aiosmtpd server on loopback: structure, escaping, --to,
authentication and STARTTLS."""

from __future__ import annotations

import email
import shutil
import socket
import ssl
import subprocess
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from click.testing import CliRunner

pytest.importorskip("aiosmtpd")

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from aggregator.app import App
from aggregator.cli import cli
from aggregator.clock import FakeClock
from aggregator.config import GroupSettings, MailSettings, Settings
from aggregator.digest.content import build_digest
from aggregator.digest.mail import MailError, build_message, send_digest
from aggregator.tables import Observation, Petition

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script> Save the <b>library</b>"
SENDER = "Digest <digest@example.org>"


class Inbox:
    """An aiosmtpd handler keeping every envelope, with the session's login."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.logins: list = []
        self.tls: list[bool] = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.logins.append(getattr(session.auth_data, "login", None))
        self.tls.append(session.ssl is not None)
        return "250 OK"

    def message(self, index: int = -1) -> email.message.EmailMessage:
        return email.message_from_bytes(self.envelopes[index].content, policy=policy.default)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start aiosmtpd controllers on 127.0.0.1 and a free port; stop them after the test."""
    started: list[Controller] = []

    def start(**kwargs) -> tuple[Inbox, int]:
        inbox = Inbox()
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start
    for controller in started:
        controller.stop()


def authenticator(login: str, password: str):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == login.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, auth_data=auth_data if ok else None)

    return check


@pytest.fixture
def app(tmp_path):
    app = App.open(Settings(database_url=f"sqlite:///{tmp_path / 'mail.db'}"), clock=FakeClock(NOW))
    petition, _ = app.store.add_petition(
        platform="uk-parliament",
        external_id="1",
        url="https://example.org/1",
        now=NOW - timedelta(days=30),
        tags=["nhs"],
    )
    with app.store.session() as session:
        session.get(Petition, petition.id).title = HOSTILE
        session.add_all(
            Observation(
                petition_id=petition.id,
                supporters=supporters,
                status="open",
                parser_version="1",
                first_seen_at=at,
                last_seen_at=at,
                method="json-api",
            )
            for at, supporters in ((NOW - timedelta(days=2), 9500), (NOW - timedelta(hours=1), 10_500))
        )
        session.commit()
    yield app
    app.store.engine.dispose()


def digest_of(app):
    return build_digest(app, "coalition", GroupSettings(recipients=["team@example.org"]), NOW)


def mail(port: int, **kwargs) -> MailSettings:
    values = {"host": "127.0.0.1", "port": port, "security": "none", "sender": SENDER, "timeout": "5s"}
    return MailSettings(**(values | kwargs))


def test_message_structure_and_escaping(app, smtp_server):
    inbox, port = smtp_server()
    built = digest_of(app)
    accepted = send_digest(mail(port), built, ["team@example.org", "b@example.org"])
    assert accepted == ["team@example.org", "b@example.org"]
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == "digest@example.org"
    assert envelope.rcpt_tos == ["team@example.org", "b@example.org"]
    message = inbox.message()
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"] == SENDER
    assert message["To"] == "team@example.org, b@example.org"
    assert message["Subject"] == built.subject and built.subject
    assert email.utils.parsedate_to_datetime(message["Date"]) == NOW
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@example.org>")
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in parts)
    text, html = (part.get_content() for part in parts)
    assert "Save the" in text
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>library</b>" not in html


def test_header_injection_is_flattened(app):
    built = digest_of(app)
    built.subject = "3 milestones\r\nBcc: victim@example.org"
    message = build_message(built, SENDER, ["team@example.org"])
    assert message["Subject"] == "3 milestones Bcc: victim@example.org"
    assert message["Bcc"] is None


def test_no_sender_is_a_clear_error(app):
    with pytest.raises(MailError, match=r"set `sender` in the \[mail\] section"):
        build_message(digest_of(app), "", ["team@example.org"])


def test_authentication(app, smtp_server, monkeypatch):
    inbox, port = smtp_server(
        authenticator=authenticator("digest", "s3cret"),
        auth_exclude_mechanism=["LOGIN"],
        auth_required=True,
        auth_require_tls=False,
    )
    settings = mail(port, username="digest", password_env="TEST_SMTP_PASSWORD")
    monkeypatch.delenv("TEST_SMTP_PASSWORD", raising=False)
    with pytest.raises(MailError, match=r"TEST_SMTP_PASSWORD, which is not set"):
        send_digest(settings, digest_of(app), ["team@example.org"])
    assert inbox.envelopes == []
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "s3cret")
    send_digest(settings, digest_of(app), ["team@example.org"])
    assert inbox.logins == [b"digest"]


def test_server_requiring_auth_refuses_anonymous(app, smtp_server):
    inbox, port = smtp_server(
        authenticator=authenticator("digest", "s3cret"),
        auth_exclude_mechanism=["LOGIN"],
        auth_required=True,
        auth_require_tls=False,
    )
    with pytest.raises(MailError, match=rf"127\.0\.0\.1:{port}.*refused"):
        send_digest(mail(port), digest_of(app), ["team@example.org"])
    assert inbox.envelopes == []


def test_unreachable_server_names_host_and_port(app):
    port = free_port()
    with pytest.raises(MailError, match=rf"cannot reach the SMTP server 127\.0\.0\.1:{port}.*host and port"):
        send_digest(mail(port), digest_of(app), ["team@example.org"])


def test_starttls_is_attempted(app, smtp_server):
    """A server without STARTTLS: security = "starttls" refuses to send in the clear."""
    inbox, port = smtp_server()
    with pytest.raises(MailError, match=r"does not offer STARTTLS"):
        send_digest(mail(port, security="starttls"), digest_of(app), ["team@example.org"])
    assert inbox.envelopes == []


def self_signed(tmp_path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key: with `cryptography` when installed, else the openssl tool."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    try:
        import cryptography  # noqa: F401
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor the openssl tool is available to make a cert")
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        return str(cert), str(key)
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert), str(key)


def test_starttls_handshake_and_login(app, smtp_server, tmp_path, monkeypatch):
    cert, key = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    inbox, port = smtp_server(
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticator("digest", "s3cret"),
        auth_exclude_mechanism=["LOGIN"],
        auth_required=True,
        auth_require_tls=True,
    )
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "s3cret")
    settings = mail(port, security="starttls", username="digest", password_env="TEST_SMTP_PASSWORD")
    with pytest.raises(MailError, match=r"certificate was not accepted"):
        send_digest(settings, digest_of(app), ["team@example.org"])
    trusting = ssl.create_default_context(cafile=cert)
    send_digest(settings, digest_of(app), ["team@example.org"], context=trusting)
    assert inbox.tls == [True] and inbox.logins == [b"digest"]


def test_cli_send_to_overrides_recipients(tmp_path, monkeypatch, smtp_server):
    inbox, port = smtp_server()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)
    (tmp_path / "petitions.toml").write_text(
        f'database_url = "sqlite:///{tmp_path / "p.db"}"\n'
        "[groups.coalition]\n"
        'recipients = ["team@example.org", "other@example.org"]\n'
        "[mail]\n"
        f'host = "127.0.0.1"\nport = {port}\nsecurity = "none"\nsender = "{SENDER}"\ntimeout = "5s"\n'
    )
    runner = CliRunner()
    only = runner.invoke(cli, ["digest", "--send", "--to", "me@example.org"], obj={}, catch_exceptions=False)
    assert only.exit_code == 0, only.output
    assert "sent coalition digest" in only.output and "to me@example.org" in only.output
    assert inbox.envelopes[-1].rcpt_tos == ["me@example.org"]
    assert inbox.message()["To"] == "me@example.org"
    everyone = runner.invoke(cli, ["digest", "--send"], obj={}, catch_exceptions=False)
    assert everyone.exit_code == 0, everyone.output
    assert "to team@example.org, other@example.org" in everyone.output
    assert inbox.envelopes[-1].rcpt_tos == ["team@example.org", "other@example.org"]
    lonely = runner.invoke(cli, ["digest", "--to", "me@example.org"], obj={})
    assert lonely.exit_code != 0 and "--to only applies with --send" in lonely.output


def test_cli_send_reports_an_unreachable_server(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)
    port = free_port()
    (tmp_path / "petitions.toml").write_text(
        f'database_url = "sqlite:///{tmp_path / "p.db"}"\n'
        f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nsender = "{SENDER}"\n'
    )
    result = CliRunner().invoke(cli, ["digest", "--send", "--to", "me@example.org"], obj={})
    assert result.exit_code == 1
    assert f"127.0.0.1:{port}" in result.output
