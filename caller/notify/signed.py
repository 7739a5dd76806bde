"""A signed JSON POST, the form the outside platforms here take (an SMS gateway, the provincial 好差评 platform):
headers X-Key-Id, X-Timestamp (Unix seconds), X-Nonce and X-Signature = hex(HMAC-SHA256(secret,
"{timestamp}\\n{nonce}\\n{body}")). A 2xx answer is accepted; anything else, or no answer, raises Undelivered."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

import requests


class Undelivered(Exception):
    """The platform refused it or could not be reached; `reason` is short and holds no personal data."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}\n{nonce}\n".encode() + body, hashlib.sha256).hexdigest()


class SignedPoster:
    def __init__(self, url: str, key_id: str, secret: str, timeout_s: float = 5.0):
        self.url = url
        self.key_id = key_id
        self.secret = secret
        self.timeout_s = timeout_s
        self.session = requests.Session()

    def post(self, payload: dict) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)  # the platform checks it by its own clock
        headers = {"Content-Type": "application/json; charset=utf-8", "X-Key-Id": self.key_id,
                   "X-Timestamp": timestamp, "X-Nonce": nonce,
                   "X-Signature": signature(self.secret, timestamp, nonce, body)}
        try:
            answer = self.session.post(self.url, data=body, headers=headers, timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise Undelivered(f"unreachable: {type(exc).__name__}") from None
        if not 200 <= answer.status_code < 300:
            raise Undelivered(f"refused: HTTP {answer.status_code}")
