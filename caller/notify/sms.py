"""An SMS gateway over HTTP, as the providers Chinese halls use take it: a JSON message, signed with the hall's
secret (HMAC-SHA256 over the timestamp, a nonce and the body), sent to a URL. A provider whose form differs gets an
adapter beside this one; the caller only calls `send`.

Request: POST {url}, body {"to": "13800000000", "text": "…", "sign_name": "…"}, headers X-Key-Id, X-Timestamp
(Unix seconds), X-Nonce, X-Signature = hex(HMAC-SHA256(secret, "{timestamp}\\n{nonce}\\n{body}")). A 2xx answer is
accepted; anything else, or no answer, is a failure the caller retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

import requests


class SmsFailed(Exception):
    """The gateway refused the message or could not be reached; `reason` is short and holds no phone number."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}\n{nonce}\n".encode() + body, hashlib.sha256).hexdigest()


class SmsGateway:
    def __init__(self, url: str, key_id: str, secret: str, sign_name: str, timeout_s: float = 5.0):
        self.url = url
        self.key_id = key_id
        self.secret = secret
        self.sign_name = sign_name
        self.timeout_s = timeout_s
        self.session = requests.Session()

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "text": text, "sign_name": self.sign_name}, ensure_ascii=False).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        headers = {"Content-Type": "application/json; charset=utf-8", "X-Key-Id": self.key_id,
                   "X-Timestamp": timestamp, "X-Nonce": nonce,
                   "X-Signature": signature(self.secret, timestamp, nonce, body)}
        try:
            answer = self.session.post(self.url, data=body, headers=headers, timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise SmsFailed(f"unreachable: {type(exc).__name__}") from None
        if not 200 <= answer.status_code < 300:
            raise SmsFailed(f"refused: HTTP {answer.status_code}")
