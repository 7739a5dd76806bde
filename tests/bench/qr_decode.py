"""QR decoding on the same 640×480 frames: zxing-cpp beside pyzbar — how many read, how fast.

    .venv/bin/python -m tests.bench.qr_decode [N]

N frames per condition (default 100): clean, blur, tilt, glare, all three. Codes carry appointment-code
sized texts. Prints reads and mean ms per frame for each decoder; figures go in docs/benchmarks.md.
"""

import random
import sys
import time

import cv2

from kiosk.hardware.camera import DECODERS
from kiosk.hardware.simulated_camera import qr_frame

CONDITIONS = {
    "clean": {},
    "blur σ 2.2": {"blur": 2.2},
    "tilt 15 %": {"tilt": 0.15},
    "glare 0.8": {"glare": 0.8},
    "blur + tilt + glare": {"blur": 1.6, "tilt": 0.1, "glare": 0.6},
}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    rng = random.Random(20261122)
    print(f"{count} frames per condition, 640×480; reads / frames, mean ms per frame")
    print("| condition | " + " | ".join(f"{name} reads | {name} ms" for name in DECODERS) + " |")
    print("|---|" + "---|---|" * len(DECODERS))
    totals = {name: [0, 0.0] for name in DECODERS}
    for label, distort in CONDITIONS.items():
        frames = []
        for index in range(count):
            text = f"Im{rng.getrandbits(64):x}Ig.{rng.getrandbits(96):x}"
            frames.append((text, cv2.cvtColor(qr_frame(text, rng, scale=rng.choice([3, 4, 5]), **distort), cv2.COLOR_BGR2GRAY)))
        cells = []
        for name, decode in DECODERS.items():
            decode(frames[0][1])  # warm up (library loading)
            reads, started = 0, time.perf_counter()
            for text, gray in frames:
                reads += text in decode(gray)
            elapsed = (time.perf_counter() - started) * 1000 / count
            totals[name][0] += reads
            totals[name][1] += elapsed
            cells += [f"{reads}/{count}", f"{elapsed:.1f}"]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("| all | " + " | ".join(f"{r}/{count * len(CONDITIONS)} | {ms / len(CONDITIONS):.1f}" for r, ms in totals.values()) + " |")


if __name__ == "__main__":
    main()
