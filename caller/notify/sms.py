"""An SMS gateway over HTTP, as the providers Chinese halls use take it: a signed JSON message (caller/notify/signed.py)
{"to": "13800000000", "text": "…", "sign_name": "…"} sent to a URL. A provider whose form differs gets an adapter
beside this one; the caller only calls `send`."""

from __future__ import annotations

from caller.notify.signed import SignedPoster, Undelivered

SmsFailed = Undelivered  # the name the cases' outbox knows it by


class SmsGateway:
    def __init__(self, url: str, key_id: str, secret: str, sign_name: str, timeout_s: float = 5.0):
        self.poster = SignedPoster(url, key_id, secret, timeout_s)
        self.sign_name = sign_name

    def send(self, to: str, text: str) -> None:
        self.poster.post({"to": to, "text": text, "sign_name": self.sign_name})
