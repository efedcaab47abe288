"""Real receivers on loopback ports for the digest tests: a group-robot HTTP server and an SMTP server.

``RobotReceiver`` answers like DingTalk's custom robot and WeCom's group robot do: it checks a DingTalk
request's ``timestamp`` and ``sign`` (base64 HMAC-SHA256 of "timestamp\\nsecret", within an hour of its
clock) and answers ``{"errcode": 310000}`` when they are wrong, enforces 20 messages a minute per robot
(``130101``), and can be told to answer the next requests with a server error or a rate limit.
``SmtpReceiver`` is aiosmtpd's SMTP server, keeping every message it accepts, parsed.
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

from bench.load import free_port


class RobotReceiver:
    """Robots at ``url(token)``: ``/dingtalk?access_token=…`` (signed with ``secrets[token]`` when the token
    has one) and ``/wecom?key=…``; ``received`` holds (path, token, JSON body) of every accepted message."""

    def __init__(self, secrets: dict | None = None):
        self.secrets = secrets or {}
        self.received: list[tuple[str, str, dict]] = []
        self.requests = 0
        self.script: list[str] = []      # answers to give next, in order: "rate_limit" | "server_error"
        self.lock = threading.Lock()
        self.sent_at: dict[str, list[float]] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode())
                status, answer = receiver.answer(self.path, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, kind: str, token: str) -> str:
        param = "access_token" if kind == "dingtalk" else "key"
        return f"http://127.0.0.1:{self.server.server_address[1]}/{kind}?{param}={token}"

    def answer(self, path: str, body: dict) -> tuple[int, dict]:
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        token = query.get("access_token") or query.get("key")
        with self.lock:
            self.requests += 1
            if self.script:
                scripted = self.script.pop(0)
                if scripted == "server_error":
                    return 500, {"errcode": -1, "errmsg": "system busy"}
                return 200, {"errcode": 130101 if parts.path == "/dingtalk" else 45009, "errmsg": "send too fast"}
            if parts.path == "/dingtalk" and token in self.secrets:
                ts, sign = query.get("timestamp", ""), query.get("sign", "")
                secret = self.secrets[token]
                expected = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(),
                                                     hashlib.sha256).digest()).decode()
                if not ts.isdigit() or abs(int(ts) / 1000 - time.time()) > 3600 or sign != expected:
                    return 200, {"errcode": 310000, "errmsg": "sign not match"}
            now, recent = time.time(), self.sent_at.setdefault(token, [])
            recent[:] = [t for t in recent if now - t < 60]
            if len(recent) >= 20:
                return 200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
            if parts.path == "/wecom" and len(body["markdown"]["content"].encode()) > 4096:
                return 200, {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
            recent.append(now)
            self.received.append((parts.path, token, body))
        return 200, {"errcode": 0, "errmsg": "ok"}

    def texts(self, token: str) -> list[str]:
        return [body["markdown"].get("text") or body["markdown"].get("content")
                for _, t, body in self.received if t == token]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class SmtpReceiver:
    """aiosmtpd on a loopback port; ``messages`` are the accepted mails as ``email.message.EmailMessage``.
    With ``tls`` (an ``ssl.SSLContext``) it offers STARTTLS and refuses mail without it; ``encrypted`` says,
    per accepted mail, whether it came over TLS."""

    def __init__(self, tls=None):
        self.messages, self.encrypted = [], []
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                receiver.messages.append((list(envelope.rcpt_tos), message))
                receiver.encrypted.append(session.ssl is not None)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=tls,
                                     require_starttls=tls is not None)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
