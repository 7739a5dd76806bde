"""The lobby's voice: each call and recall as a chime, then "请 A 零一二 号 到 3 号窗口办理", said twice.

Calls are queued and spoken one after another by one worker — never overlapping, never dropped. When calls
pile up (a burst), each waiting call is said once instead of twice, so the last of a burst is not held
back behind minutes of repeats; order is always kept.

Each announcement is rendered to one WAV (chime + speech) and then played: `play://` plays it with
`aplay`, `wav:///dir` keeps it in the folder (the demo and tests, which check order and durations).
Speech is espeak-ng (`cmn-latn-pinyin`), or recorded clips when `clips` names a folder holding them:
`qing.wav` (请), `hao_dao.wav` (号到), `hao_chuangkou_banli.wav` (号窗口办理), `A.wav` … `Z.wav` and
`0.wav` … `9.wav`, optionally `hao_zaici_dao.wav` (号再次到) for recalls — halls often prefer a human voice.
A recall has its own chime (three rising tones) and says 再次.
"""

from __future__ import annotations

import collections
import itertools
import logging
import queue
import subprocess
import tempfile
import threading
import time
import urllib.parse
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.hardware.speech import espeak, spoken_number

log = logging.getLogger(__name__)

RATE = 22050  # espeak-ng writes 22.05 kHz mono 16-bit; clips and the chime are converted to match
BURST = 3  # with more calls than this waiting, each is said once


@dataclass(frozen=True)
class Call:
    number: str
    window: int
    recall: bool = False


def sentence(call: Call) -> str:
    """A recall says 再次, so a citizen hears that the number was called before."""
    again = "再次 " if call.recall else ""
    return f"请 {spoken_number(call.number)} 号 {again}到 {call.window} 号窗口办理"


def _read_mono(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        if w.getnchannels() == 2:
            frames = frames.reshape(-1, 2).mean(axis=1).astype(np.int16)
        rate = w.getframerate()
    if rate != RATE:  # linear resampling is enough for a voice clip
        positions = np.linspace(0, len(frames) - 1, int(len(frames) * RATE / rate))
        frames = np.interp(positions, np.arange(len(frames)), frames).astype(np.int16)
    return frames


def chime(seconds: float = 0.9, recall: bool = False) -> np.ndarray:
    """A two-tone 叮咚 (E6 then C6) with a soft decay; a recall's is three short rising tones (C6 E6 G6), so it
    is heard apart from a first call before a word is said."""
    tones = (1046.5, 1318.5, 1568.0) if recall else (1318.5, 1046.5)
    part = int(RATE * seconds / len(tones))
    t = np.arange(part) / RATE
    envelope = np.exp(-4 * len(tones) / 2 * t)
    return (np.concatenate([np.sin(2 * np.pi * f * t) * envelope for f in tones]) * 0.5 * 32767).astype(np.int16)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(RATE * seconds), dtype=np.int16)


class Announcer:
    def __init__(self, url: str = "play://", *, voice: str = "cmn-latn-pinyin", rate: int = 140, repeat: int = 2,
                 volume: float = 1.0, clips: Path | None = None, chime_wav: Path | None = None):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("play", "wav", "none"):
            raise ValueError(f"unknown announcer URL {url!r}: use play://, wav:///dir or none://")
        self.mode = parsed.scheme
        self.folder = Path(urllib.parse.unquote(parsed.path)) if self.mode == "wav" else Path(tempfile.mkdtemp())
        self.folder.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix="onewindow-announcer-"))  # espeak-ng's output before joining
        self.voice, self.rate, self.repeat, self.volume = voice, rate, repeat, volume
        self.clips = clips if clips and all((clips / f"{name}.wav").exists() for name in ("qing", "hao_dao", "hao_chuangkou_banli")) else None
        self.chime = _read_mono(chime_wav) if chime_wav and chime_wav.exists() else chime()
        self.recall_chime = chime(recall=True)
        # told on the announcer's thread when a call starts to be heard: the board shows what is being said
        self.on_speaking: Callable[[Call], None] | None = None
        # (call, WAV, time.monotonic() when its sound was ready to play), the last 1,000: a day must not grow memory
        self.spoken: collections.deque[tuple[Call, Path, float]] = collections.deque(maxlen=1000)
        self.failures = 0
        self.failing = False  # the last announcement could not be made or played: reported to the 咨询台
        self.on_health: Callable[[], None] | None = None  # told when `failing` changes
        self._queue: queue.Queue[Call | None] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0  # announced and not yet said; idle is set exactly when this is zero
        self._pending_lock = threading.Lock()
        self._counter = itertools.count(1)
        self._thread = threading.Thread(target=self._work, name="announcer", daemon=True)
        self._thread.start()

    def announce(self, call: Call) -> None:
        if self.mode == "none":
            return
        with self._pending_lock:
            self._pending += 1
            self._idle.clear()
        self._queue.put(call)

    def wait_idle(self, timeout_s: float = 30) -> bool:
        return self._idle.wait(timeout_s)

    def _health(self, failing: bool) -> None:
        changed, self.failing = self.failing != failing, failing
        if changed and self.on_health is not None:
            self.on_health()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    # ---- rendering
    def _speech(self, text: str, call: Call) -> np.ndarray:
        if self.clips is not None:
            return self._from_clips(call)
        path = self.scratch / "speech.wav"
        espeak(text, voice=self.voice, rate=self.rate, volume=self.volume, wav=path, timeout_s=30)
        return _read_mono(path)

    def _from_clips(self, call: Call) -> np.ndarray:
        assert self.clips is not None
        parts = [self.clips / "qing.wav"]
        parts += [self.clips / f"{ch}.wav" for ch in call.number]
        again = self.clips / "hao_zaici_dao.wav"  # 号再次到, if recorded; else a recall differs by its chime only
        parts.append(again if call.recall and again.exists() else self.clips / "hao_dao.wav")
        parts += [self.clips / f"{ch}.wav" for ch in str(call.window)]
        parts.append(self.clips / "hao_chuangkou_banli.wav")
        missing = [p.name for p in parts if not p.exists()]
        if missing:
            raise RuntimeError(f"recorded clips missing: {', '.join(missing)}")
        return np.concatenate([_read_mono(p) for p in parts])

    def render(self, call: Call, times: int) -> Path:
        speech = self._speech(sentence(call), call)
        pieces = [self.recall_chime if call.recall else self.chime, silence(0.25)]
        for n in range(times):
            pieces += [speech, silence(0.6 if n < times - 1 else 0.2)]
        path = self.folder / f"{next(self._counter):05d}-{call.number}-{call.window}.wav"
        if not self.folder.is_dir():  # said before wave.open, which leaves a half-made writer behind when it fails
            raise OSError(f"the sound output folder is gone: {self.folder}")
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(np.concatenate(pieces).tobytes())
        return path

    def _work(self) -> None:
        while True:
            call = self._queue.get()
            if call is None:
                return
            try:
                times = 1 if self._queue.qsize() >= BURST else self.repeat
                path = self.render(call, times)
                self.spoken.append((call, path, time.monotonic()))
                if self.on_speaking is not None:
                    self.on_speaking(call)
                if self.mode == "play":
                    subprocess.run(["aplay", "-q", str(path)], capture_output=True, timeout=60, check=True)
                    path.unlink(missing_ok=True)
                self._health(failing=False)
            except (OSError, RuntimeError, subprocess.SubprocessError):  # no sound card, aplay gone, a full disk
                self.failures += 1
                log.exception("announcement of %s failed", call.number)
                self._health(failing=True)
            finally:
                with self._pending_lock:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.set()
