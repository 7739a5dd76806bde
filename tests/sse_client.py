"""A minimal Server-Sent Events reader over requests, for tests and benchmark scripts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import requests


@dataclass
class SseEvent:
    id: int
    type: str
    data: dict


class SseStream:
    """One open event stream; keeps its read buffer between calls so no event is lost. The caller's `clock`
    events are not handed out as events: `clocks` keeps what they said."""

    def __init__(self, response: requests.Response):
        self.response = response
        self.clocks: list[str] = []
        self._chunks = response.iter_content(chunk_size=None)  # yields data as soon as it arrives
        self._buffer = b""
        self._events = self._parse()

    def _lines(self) -> Iterator[str]:
        for chunk in self._chunks:
            self._buffer += chunk
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                yield line.rstrip(b"\r").decode("utf-8")

    def _parse(self) -> Iterator[SseEvent]:
        fields: dict[str, str] = {}
        for line in self._lines():
            if line == "":
                if fields.get("event") == "clock":
                    self.clocks.append(json.loads(fields["data"])["now"])
                elif "data" in fields:
                    yield SseEvent(int(fields.get("id", "0")), fields.get("event", "message"), json.loads(fields["data"]))
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = value[1:] if value.startswith(" ") else value

    def take(self, count: int) -> list[SseEvent]:
        return [next(self._events) for _ in range(count)]

    def take_until(self, last_id: int) -> list[SseEvent]:
        """Every event up to and including `last_id`."""
        taken: list[SseEvent] = []
        while not taken or taken[-1].id < last_id:
            taken.append(next(self._events))
        return taken

    def close(self) -> None:
        self.response.close()


def open_stream(base: str, headers: dict[str, str], last_event_id: int | None = None, timeout: float = 10) -> SseStream:
    headers = {**headers, "Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    response = requests.get(base + "/api/v1/events", headers=headers, stream=True, timeout=(5, timeout))
    response.raise_for_status()
    return SseStream(response)
