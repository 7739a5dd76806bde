"""Spoken prompts in Mandarin: espeak-ng (voice cmn-latn-pinyin) run by a worker thread.

URLs: `espeak://` plays through the sound card; `wav:///dir` writes one WAV file per utterance (the demo
without speakers, and tests that measure them); `none://` stays silent. Both sounding modes run the same
espeak-ng command; only its output differs (`-w FILE` or the sound card). `say` only queues, so the screen
never waits for speech; `interrupt=True` drops what is still queued (a citizen who moved on to the next
screen does not need the last one's prompt).

Why the espeak-ng program and not pyttsx3, which the design named: pyttsx3 keeps one engine per process
(its espeak driver registers a process-wide callback), so a second speaker — the kiosk's and, in issue 5,
the board's announcer, or one test after another — shares and corrupts the first one's state; our test
lost WAV files that way. A subprocess per utterance is isolated, can be killed, and costs ~20 ms.
"""

from __future__ import annotations

import itertools
import logging
import queue
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import Path

log = logging.getLogger(__name__)

DIGITS = "零一二三四五六七八九"


def espeak(text: str, *, voice: str, rate: int, volume: float, wav: Path | None = None, timeout_s: float = 60) -> None:
    """Say `text` with the espeak-ng program: into `wav`, or through the sound card. Raises RuntimeError."""
    program = shutil.which("espeak-ng") or "espeak-ng"
    amplitude = str(max(0, min(200, round(volume * 100))))
    command = [program, "-v", voice, "-s", str(rate), "-a", amplitude, *(["-w", str(wav)] if wav else []), "--", text]
    run = subprocess.run(command, capture_output=True, timeout=timeout_s)
    if run.returncode != 0:
        raise RuntimeError(run.stderr.decode(errors="replace")[:200])


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

    def close(self, timeout_s: float = 10.0) -> None:
        self.wait_idle(timeout_s)
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _work(self) -> None:
        while True:
            text = self._queue.get()
            if text is None:
                return
            try:
                path = None
                if self.folder is not None:
                    path = self.folder / f"{next(self._counter):05d}.wav"
                espeak(text, voice=self.voice, rate=self.rate, volume=self.volume, wav=path)
                if path is not None:
                    self.written.append(path)
            except (OSError, RuntimeError, subprocess.TimeoutExpired):
                # no espeak-ng, no sound card: the kiosk goes on without voice, and says so in its log
                self.failures += 1
                log.exception("speech failed")
            finally:
                if self._queue.empty():
                    self._idle.set()
