"""Digest delivery by email: a `multipart/alternative` message (text, then HTML) sent over SMTP.

The password is read from the environment variable named by `[mail] password_env` when the message
is sent, never from the configuration file."""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid

from ..config import MailSettings
from ..errors import AggregatorError
from .content import Digest
from .render import render_html, render_text


class MailError(AggregatorError):
    """A digest could not be built into a message or sent; the message says what to fix."""


def _one_line(value: str) -> str:
    """Header text on one line: scraped or summarised text must not inject header lines."""
    return " ".join(value.split())


def _domain(sender: str) -> str | None:
    addresses = [address for _, address in getaddresses([sender]) if "@" in address]
    if not addresses:
        return None
    return addresses[0].rpartition("@")[2] or None


def build_message(
    digest: Digest, sender: str, recipients: Sequence[str], *, date: datetime | None = None
) -> EmailMessage:
    """The digest as a UTF-8 `multipart/alternative` message: the plain-text part first, the HTML second."""
    if not sender:
        raise MailError('no sender: set `sender` in the [mail] section, e.g. sender = "digest@example.org"')
    if not recipients:
        raise MailError(f"the digest of group {digest.group!r} has no recipients")
    message = EmailMessage()
    message["From"] = _one_line(sender)
    message["To"] = ", ".join(_one_line(address) for address in recipients)
    message["Subject"] = _one_line(digest.subject) or "Petition digest"
    message["Date"] = format_datetime(date or digest.now)
    message["Message-ID"] = make_msgid("digest", domain=_domain(sender))
    message.set_content(render_text(digest), subtype="plain", charset="utf-8")
    message.add_alternative(render_html(digest), subtype="html", charset="utf-8")
    return message


def _password(settings: MailSettings) -> str:
    where = f"the SMTP server {settings.host}:{settings.port}"
    if not settings.password_env:
        raise MailError(
            f"[mail] username is {settings.username!r} but password_env is empty: set password_env to the "
            f"name of an environment variable holding the password for {where}"
        )
    password = os.environ.get(settings.password_env)
    if password is None:
        raise MailError(
            f"the password for {where} is to be read from the environment variable "
            f"{settings.password_env}, which is not set: set it where the aggregator runs"
        )
    return password


def _connect(settings: MailSettings, context: ssl.SSLContext | None) -> smtplib.SMTP:
    timeout = settings.timeout.total_seconds()
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=context or ssl.create_default_context()
        )
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    if settings.security == "starttls":
        try:
            smtp.starttls(context=context or ssl.create_default_context())
        except BaseException:
            smtp.close()
            raise
    return smtp


def send_message(
    settings: MailSettings, message: EmailMessage, *, context: ssl.SSLContext | None = None
) -> list[str]:
    """Send `message` through the configured server; returns the recipients it was accepted for.

    `context` replaces the default SSL context (which checks the server's certificate and name)."""
    where = f"the SMTP server {settings.host}:{settings.port} (security = {settings.security!r})"
    password = _password(settings) if settings.username else None
    recipients = [address for _, address in getaddresses(message.get_all("To", []))]
    try:
        with _connect(settings, context) as smtp:
            if settings.username:
                assert password is not None
                smtp.login(settings.username, password)
            refused = smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(
            f"{where} refused the login of {settings.username!r} ({exc.smtp_code} {_text(exc.smtp_error)}): "
            f"check [mail] username and the password in ${settings.password_env}"
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        hint = (
            'the server does not offer STARTTLS: use security = "ssl" (usually port 465) or ask for TLS'
            if "STARTTLS" in str(exc)
            else "the server does not offer AUTH on this connection: check [mail] security and port, "
            "or leave username empty if it needs no login"
        )
        raise MailError(f"{where}: {exc}; {hint}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        listed = "; ".join(f"{who}: {code} {_text(text)}" for who, (code, text) in exc.recipients.items())
        raise MailError(f"{where} refused every recipient ({listed}): check the addresses") from None
    except smtplib.SMTPSenderRefused as exc:
        raise MailError(
            f"{where} refused the sender {exc.sender!r} ({exc.smtp_code} {_text(exc.smtp_error)}): "
            "check [mail] sender (many servers only accept the login's own address)"
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"{where} refused the message ({exc.smtp_code} {_text(exc.smtp_error)})") from None
    except smtplib.SMTPException as exc:
        raise MailError(f"{where} failed: {exc}: check [mail] host, port and security") from None
    except ssl.SSLCertVerificationError as exc:
        raise MailError(
            f"{where}: its TLS certificate was not accepted ({exc.verify_message}): check [mail] host is the "
            "name on the server's certificate"
        ) from None
    except ssl.SSLError as exc:
        raise MailError(
            f'{where}: TLS failed ({exc.reason or exc}): check [mail] security ("ssl" for port 465, '
            '"starttls" for 587) and port'
        ) from None
    except OSError as exc:
        raise MailError(
            f"cannot reach {where}: {exc.strerror or exc}: check [mail] host and port, and that the server "
            "is running"
        ) from None
    return [address for address in recipients if address not in refused]


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def send_digest(
    settings: MailSettings,
    digest: Digest,
    recipients: Sequence[str],
    *,
    context: ssl.SSLContext | None = None,
) -> list[str]:
    """Build and send one group's digest to `recipients`; returns the addresses the server accepted."""
    message = build_message(digest, settings.sender, recipients)
    return send_message(settings, message, context=context)


__all__ = ["MailError", "build_message", "send_digest", "send_message"]
