"""A stream cut in the middle of an event: the half event is dropped, and the reconnect asks for it again
with Last-Event-ID. A scripted HTTP server on loopback plays the caller, so the cut lands exactly mid-event."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from display.event_follower import EventFollower

SNAPSHOT = {"last_event_id": 4, "categories": [], "windows": []}
CALLED = {"id": 5, "type": "ticket-called", "number": "A005", "window": 3, "category": "shebao",
          "at": "2026-11-23T01:00:00+00:00", "status": "called"}


class Caller(BaseHTTPRequestHandler):
    asked: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/api/v1/queue":
            body = json.dumps(SNAPSHOT).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        Caller.asked.append(self.headers.get("Last-Event-ID"))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        event = f"id: 5\r\nevent: ticket-called\r\ndata: {json.dumps(CALLED)}\r\n\r\n".encode()
        if len(Caller.asked) == 1:
            self.wfile.write(event[: len(event) // 2])  # half an event, then the connection drops
            self.wfile.flush()
            return
        self.wfile.write(event)
        self.wfile.flush()
        time.sleep(1)


def test_a_half_event_is_dropped_and_asked_for_again_after_the_cut():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Caller)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    got = []
    follower = EventFollower(f"http://127.0.0.1:{server.server_address[1]}", None, on_snapshot=lambda s: None,
                             on_event=got.append, silence_s=2)
    follower.start()
    deadline = time.monotonic() + 10
    while not got and time.monotonic() < deadline:
        time.sleep(0.05)
    follower.stop()
    server.shutdown()
    assert got == [CALLED]  # once, whole
    assert Caller.asked[:2] == ["4", "4"]  # both times from the snapshot's last id: the half event never counted
