"""Delivering one rendered message: DingTalk custom robot, WeCom group robot, e-mail.

Each sender returns a short result text on success and raises ``SendError`` otherwise, saying whether
trying again later can help (a rate limit or a server error can; a wrong signing secret cannot). The
robots' rules, as their documentation states them:

- DingTalk custom robot: POST JSON ``{"msgtype": "markdown", "markdown": {"title", "text"}}`` to the
  webhook; with a signing secret the URL gains ``&timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256 of
  "timestamp\\nsecret" keyed by the secret>``; the timestamp must be within an hour of the robot's clock.
  The answer is JSON ``{"errcode": 0, "errmsg": "ok"}``; 310000 means a bad signature, a stale timestamp,
  a missing keyword or an IP outside the whitelist; 130101 means more than 20 messages in a minute.
- WeCom group robot: POST ``{"msgtype": "markdown", "markdown": {"content"}}``, content at most 4,096
  bytes of UTF-8; errcode 0 ok, 45009 over the rate limit (20 a minute), 93000 a wrong webhook key.
- E-mail: ``smtplib`` to ``AIDWATCH_SMTP_URL`` (``smtp://user:password@host:port``; ``smtps://`` for TLS
  from the start), STARTTLS when the server offers it; HTML with a plain-text alternative and, for the
  weekly briefing, its PDF attached.

Secrets (webhook tokens, signing secrets, the SMTP password) never appear in a result or a log line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote_plus, unquote, urlsplit

#: WeCom's markdown limit, in bytes of UTF-8.
WECOM_MAX_BYTES = 4096
#: DingTalk allows 20 messages a minute per robot.
DINGTALK_PER_MINUTE = 20
TIMEOUT_S = 10
#: errcodes that retrying will not fix.
PERMANENT = {"dingtalk": {310000, 300001, 400013}, "wecom": {93000, 40008, 44004}}
RATE_LIMITED = {"dingtalk": {130101}, "wecom": {45009}}


@dataclass(frozen=True)
class Message:
    subject: str
    markdown: str
    text: str
    html: str
    link: str                      # the dashboard view with the whole story (for a cut message)
    attachment: bytes | None = None
    attachment_name: str | None = None


class SendError(Exception):
    def __init__(self, reason: str, retry: bool = True, rate_limited: bool = False):
        super().__init__(reason)
        self.retry, self.rate_limited = retry, rate_limited


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The robot's signature: base64(HMAC-SHA256(key=secret, "timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def signed_url(webhook: str, secret: str | None, timestamp_ms: int | None = None) -> str:
    if not secret:
        return webhook
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    return f"{webhook}{'&' if '?' in webhook else '?'}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"


def cut_utf8(text: str, limit: int, tail: str) -> str:
    """``text`` whole if it fits in ``limit`` bytes, else cut at a line end (a character at worst) so
    that the cut text plus ``tail`` fits."""
    if len(text.encode()) <= limit:
        return text
    room = limit - len(tail.encode())
    cut = text.encode()[:room].decode(errors="ignore")
    if "\n" in cut:
        cut = cut[:cut.rindex("\n")]
    return cut + tail


def _post_json(channel: str, url: str, body: dict) -> str:
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            answer = json.loads(response.read().decode() or "{}")
    except urllib.error.HTTPError as exc:
        raise SendError(f"{channel}: HTTP {exc.code}", retry=exc.code >= 500 or exc.code == 429) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SendError(f"{channel}: {type(exc).__name__}: {reason}") from None
    code = answer.get("errcode")
    if code == 0:
        return f"{channel}: ok"
    text = f"{channel}: errcode {code} {str(answer.get('errmsg', ''))[:120]}"
    if code in RATE_LIMITED[channel]:
        raise SendError(text, rate_limited=True)
    raise SendError(text, retry=code not in PERMANENT[channel])


def send_dingtalk(webhook: str, secret: str | None, message: Message) -> str:
    return _post_json("dingtalk", signed_url(webhook, secret),
                      {"msgtype": "markdown", "markdown": {"title": message.subject, "text": message.markdown}})


def wecom_content(message: Message, lang: str) -> str:
    tail = ("\n\n…[more](" if lang == "en" else "\n\n……[查看全文](") + message.link + ")"
    return cut_utf8(message.markdown, WECOM_MAX_BYTES - 1, tail)


def send_wecom(webhook: str, message: Message, lang: str) -> str:
    return _post_json("wecom", webhook, {"msgtype": "markdown", "markdown": {"content": wecom_content(message, lang)}})


def email_message(sender: str, to: str, message: Message) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, message.subject
    mail["Date"], mail["Message-ID"] = formatdate(localtime=False), make_msgid(domain="aidwatch")
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    if message.attachment:
        mail.add_attachment(message.attachment, maintype="application", subtype="pdf",
                            filename=message.attachment_name or "briefing.pdf")
    return mail


def send_email(smtp_url: str, sender: str, to: str, message: Message, ca_file: str | None = None) -> str:
    """Send through the configured server: STARTTLS when offered (``smtps://``: TLS from the start), the
    server's certificate checked against the system's CAs (or ``ca_file``'s)."""
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SendError("AIDWATCH_SMTP_URL must be smtp://[user:password@]host[:port]", retry=False)
    mail = email_message(sender, to, message)
    tls = ssl.create_default_context(cafile=ca_file)
    try:
        if parts.scheme == "smtps":
            client = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=TIMEOUT_S, context=tls)
        else:
            client = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=TIMEOUT_S)
        with client:
            client.ehlo()
            if parts.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls(context=tls)
                client.ehlo()
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            refused = client.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"email: recipient refused ({sorted(exc.recipients)})", retry=False) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"email: login refused ({exc.smtp_code})", retry=False) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"email: {type(exc).__name__}: {exc}"[:200]) from None
    if refused:
        raise SendError(f"email: refused {sorted(refused)}", retry=False)
    return f"email: accepted by {parts.hostname}"
