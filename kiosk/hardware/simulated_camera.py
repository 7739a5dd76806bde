"""Frames a camera might see of a phone or paper QR code, as image files `cv2.VideoCapture` reads back.

The simulated camera of `./dev hall` and the tests: codes drawn with segno (`make_qr`, never Micro QR,
which the decoders cannot read) at random places and sizes, optionally blurred, tilted and with glare.
"""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import segno

WIDTH, HEIGHT = 640, 480


def qr_frame(text: str, rng: random.Random | None = None, *, blur: float = 0.0, tilt: float = 0.0,
             glare: float = 0.0, scale: int = 5) -> np.ndarray:
    """One 640×480 BGR frame with the code somewhere on a grey, noisy background."""
    rng = rng or random.Random(0)
    code = np.array(segno.make_qr(text, error="m").matrix, dtype=np.uint8)
    module = np.where(code > 0, 0, 255).astype(np.uint8)
    module = np.pad(module, 4, constant_values=255)  # the quiet zone
    image = cv2.resize(module, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    frame = np.full((HEIGHT, WIDTH), rng.randrange(90, 170), dtype=np.uint8)
    size = min(image.shape[0], HEIGHT - 20)
    image = cv2.resize(image, (size, size), interpolation=cv2.INTER_NEAREST)
    x, y = rng.randrange(0, WIDTH - size), rng.randrange(0, HEIGHT - size)
    frame[y : y + size, x : x + size] = image
    if tilt:
        corners = np.float32([[x, y], [x + size, y], [x + size, y + size], [x, y + size]])
        shift = size * tilt
        moved = corners + np.float32([[rng.uniform(-shift, shift), rng.uniform(-shift, shift)] for _ in range(4)])
        frame = cv2.warpPerspective(frame, cv2.getPerspectiveTransform(corners, moved), (WIDTH, HEIGHT),
                                    borderValue=int(frame[0, 0]))
    if blur:
        frame = cv2.GaussianBlur(frame, (0, 0), blur)
    if glare:
        mask = np.zeros_like(frame, dtype=np.float32)
        cv2.circle(mask, (x + rng.randrange(size), y + rng.randrange(size)), int(size * 0.35), 1.0, -1)
        mask = cv2.GaussianBlur(mask, (0, 0), size * 0.1)
        frame = np.clip(frame + mask * 255 * glare, 0, 255).astype(np.uint8)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 6, frame.shape)
    frame = np.clip(frame + noise, 0, 255).astype(np.uint8)
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)


def blank_frame(rng: random.Random | None = None) -> np.ndarray:
    rng = rng or random.Random(0)
    frame = np.full((HEIGHT, WIDTH, 3), rng.randrange(90, 170), dtype=np.uint8)
    return frame


def write_sequence(folder: Path, frames: list[np.ndarray]) -> str:
    """Write frames as folder/frame_000.png …; returns the path pattern `cv2.VideoCapture` opens."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("frame_*.png"):
        old.unlink()
    for index, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"frame_{index:03d}.png"), frame)
    return str(folder / "frame_%03d.png")
