"""A stand-in SMS gateway (or 好差评 platform: the same signed JSON) on loopback: it checks each request's signature
the way a provider would (its own HMAC, not the caller's code), keeps the messages it accepted, and can be told to
fail the next requests."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSmsGateway:
    def __init__(self, key_id: str = "hall-key", secret: str = "gateway-secret"):
        self.key_id = key_id
        self.secret = secret
        self.accepted: list[dict] = []
        self.bad_signatures = 0
        self.failures_left = 0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                expected = hmac.new(gateway.secret.encode(), f"{self.headers.get('X-Timestamp')}\n"
                                    f"{self.headers.get('X-Nonce')}\n".encode() + body, hashlib.sha256).hexdigest()
                with gateway.lock:
                    if self.headers.get("X-Key-Id") != gateway.key_id or not hmac.compare_digest(
                            expected, self.headers.get("X-Signature", "")):
                        gateway.bad_signatures += 1
                        status = 401
                    elif gateway.failures_left:
                        gateway.failures_left -= 1
                        status = 500
                    else:
                        gateway.accepted.append(json.loads(body))
                        status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def fail_next(self, count: int) -> None:
        with self.lock:
            self.failures_left = count

    def __enter__(self) -> FakeSmsGateway:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.server.shutdown()
        self.server.server_close()
