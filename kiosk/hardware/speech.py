"""Spoken prompts in Mandarin: pyttsx3 over espeak-ng, in a worker thread that owns the engine.

URLs: `espeak://` plays through the sound card; `wav:///dir` writes one WAV file per utterance (the demo
without speakers, and tests that measure them); `none://` stays silent. `say` only queues, so the screen
never waits for speech; `interrupt=True` drops what is still queued (a citizen who moved on to the next
screen does not need the last one's prompt).
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import urllib.parse
from pathlib import Path

log = logging.getLogger(__name__)

DIGITS = "零一二三四五六七八九"


def spoken_number(number: str) -> str:
    """A ticket number as it must be said: digit by digit ("A012" → "A 零一二"), never as a quantity."""
    letters = "".join(ch for ch in number if not ch.isdigit())
    digits = "".join(DIGITS[int(ch)] for ch in number if ch.isdigit())
    return f"{letters} {digits}".strip()


class Speaker:
    def __init__(self, url: str = "espeak://", *, voice: str = "cmn-latn-pinyin", rate: int = 150, volume: float = 1.0):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("espeak", "wav", "none"):
            raise ValueError(f"unknown speech URL {url!r}: use espeak://, wav:///dir or none://")
        self.mode = parsed.scheme
        self.folder = Path(urllib.parse.unquote(parsed.path)) if self.mode == "wav" else None
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
        self.voice, self.rate, self.volume = voice, rate, volume
        self.written: list[Path] = []  # WAV files, in the order spoken
        self.failures = 0
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._counter = itertools.count(1)
        self._thread = threading.Thread(target=self._work, name="speech", daemon=True)
        self._thread.start()

    def say(self, text: str, *, interrupt: bool = False) -> None:
        if self.mode == "none" or not text:
            return
        if interrupt:
            try:
                while True:
                    self._queue.get_nowait()
            except queue.Empty:
                pass
        self._idle.clear()
        self._queue.put(text)

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        return self._idle.wait(timeout_s)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _engine(self):  # noqa: ANN202 - a pyttsx3 engine, created in the worker that uses it
        import pyttsx3

        engine = pyttsx3.init()
        wanted = [v.id for v in engine.getProperty("voices") if v.id == self.voice or v.id.endswith("/" + self.voice)]
        if wanted:
            engine.setProperty("voice", wanted[0])
        else:
            log.warning("speech voice %s not installed; using the default", self.voice)
        engine.setProperty("rate", self.rate)
        engine.setProperty("volume", self.volume)
        return engine

    def _work(self) -> None:
        engine = None
        while True:
            text = self._queue.get()
            if text is None:
                return
            try:
                if engine is None:
                    engine = self._engine()
                if self.folder is not None:
                    path = self.folder / f"{next(self._counter):05d}.wav"
                    engine.save_to_file(text, str(path))
                    engine.runAndWait()
                    self.written.append(path)
                else:
                    engine.say(text)
                    engine.runAndWait()
            except Exception:  # noqa: BLE001 - no sound card, a driver error: the kiosk goes on without voice
                self.failures += 1
                log.exception("speech failed")
                engine = None
            finally:
                if self._queue.empty():
                    self._idle.set()
