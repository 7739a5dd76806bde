"""The kiosk's only way to the caller: HTTP with `requests`, retries that reuse the Idempotency-Key."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests


class CallerUnavailable(Exception):
    """The caller could not be reached or failed (network, timeout, 5xx): try again later."""


@dataclass
class Refused(Exception):
    """The caller refused the request (4xx): `code` is stable, `message` is for the citizen (中文 / English)."""

    status: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    @property
    def chinese(self) -> str:
        return self.message.split(" / ")[0]


class CallerClient:
    def __init__(self, base_url: str, token: str | None = None, *, timeout_s: float = 3.0, attempts: int = 3,
                 source: str = "kiosk", ca_file: Path | None = None):
        self.base = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.attempts = attempts
        self.source = source
        self.session = requests.Session()
        # an https:// caller with the hall's own CA (onewindow tls make-cert); given with every request, since a
        # session's own `verify` loses to REQUESTS_CA_BUNDLE in the environment
        self.verify: str | bool = str(ca_file) if ca_file is not None else True
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method: str, path: str, *, json: Any = None, params: Any = None,
              headers: dict[str, str] | None = None, retry: bool = True) -> Any:
        """One request; network failures and 5xx are retried (with the same headers, so the same
        Idempotency-Key) a few times, then CallerUnavailable. 4xx is Refused at once."""
        last: Exception | None = None
        for attempt in range(self.attempts if retry else 1):
            if attempt:
                time.sleep(min(0.2 * 2**attempt, 1.0))
            try:
                answer = self.session.request(method, self.base + path, json=json, params=params, headers=headers,
                                              timeout=self.timeout_s, verify=self.verify)
            except requests.RequestException as exc:
                last = exc
                continue
            if answer.status_code >= 500:
                last = CallerUnavailable(f"{answer.status_code} from the caller")
                continue
            if answer.status_code >= 400:
                try:
                    body = answer.json()
                    raise Refused(answer.status_code, body.get("error", "refused"), body.get("message", ""))
                except ValueError:
                    raise Refused(answer.status_code, "refused", answer.text[:200]) from None
            return answer.json() if answer.content else None
        raise CallerUnavailable(str(last))

    # ---- reading
    def hall(self) -> dict:
        return self._call("GET", "/api/v1/hall")

    def categories(self) -> list[dict]:
        return self._call("GET", "/api/v1/categories")

    def ticket(self, ticket_id: str) -> dict:
        return self._call("GET", f"/api/v1/tickets/{ticket_id}")

    def slots(self, category: str, day: str) -> list[dict]:
        return self._call("GET", "/api/v1/appointments/slots", params={"category": category, "day": day})

    def appointment(self, code: str) -> dict:
        return self._call("GET", f"/api/v1/appointments/{requests.utils.quote(code, safe='')}")

    # ---- acting
    def issue(self, category: str, priority: str = "normal", *, name: str | None = None, id_number: str | None = None,
              key: str | None = None) -> dict:
        """Issue a ticket. Give the same `key` when retrying a journey: the caller returns the same ticket."""
        body = {"category": category, "priority": priority, "source": self.source}
        if name:
            body["name"] = name
        if id_number:
            body["id_number"] = id_number
        return self._call("POST", "/api/v1/tickets", json=body, headers={"Idempotency-Key": key or new_key()})

    def pick_up(self, *, code: str | None = None, qr: str | None = None, id_number: str | None = None) -> dict:
        """统一出件: a pick-up ticket for the citizen's ready cases (the same ticket if asked again that day)."""
        body = {k: v for k, v in (("code", code), ("qr", qr), ("id_number", id_number)) if v is not None}
        return self._call("POST", "/api/v1/pickups", json=body)

    def arrive(self, qr: str) -> dict:
        """到场确认 of a number taken from the phone: the ticket, with the code for its slip (twice is no change)."""
        return self._call("POST", "/api/v1/tickets/arrive", json={"qr": qr})

    def check_in(self, code: str) -> dict:
        return self._call("POST", "/api/v1/appointments/check-in", json={"code": code})

    def book(self, category: str, slot_start: str, id_number: str) -> dict:
        # not idempotent on the server: a lost answer may leave a booking behind, which simply lapses
        return self._call("POST", "/api/v1/appointments", json={"category": category, "slot_start": slot_start,
                                                               "id_number": id_number, "source": self.source},
                          retry=False)

    def report_receipt(self, ticket_id: str, printed: bool) -> None:
        self._call("POST", f"/api/v1/tickets/{ticket_id}/receipt", json={"printed": printed})

    def report_device(self, conditions: list[str]) -> dict:
        """This kiosk's conditions (paper-low, paper-out, printer-failed, reader-failed, camera-failed; [] all well):
        also its heartbeat. The answer lists its notices still open at the 咨询台."""
        return self._call("POST", "/api/v1/devices/report", json={"device": self.source, "conditions": conditions})

    def request_help(self, note: str | None = None) -> dict:
        """The caller's answer: whether the help window is open (`on_duty`) and who is there (`helper`)."""
        return self._call("POST", "/api/v1/help", json={"source": self.source, **({"note": note} if note else {})})


def token_from(token: str | None, token_file: Path | None, role: str) -> str | None:
    """A token given directly, or the `role` entry of the caller's demo tokens file (var/demo-tokens.json)."""
    if token:
        return token
    if token_file and token_file.exists():
        return json.loads(token_file.read_text(encoding="utf-8")).get(role)
    return None


def new_key() -> str:
    return f"kiosk-{uuid.uuid4().hex}"
