"""`onewindow devices test`: the installer's self-test. Each device named by a URL is exercised once and the
result said plainly; the exit status is 0 only when everything asked for works."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


def _check(name: str, action) -> tuple[bool, str]:  # noqa: ANN001
    try:
        return True, action()
    except Exception as exc:  # noqa: BLE001 - the installer wants every failure in words, not a traceback
        return False, f"{type(exc).__name__}: {exc}"


def run_self_test(*, printer: str | None, card_reader: str | None, camera: str | None, speech: str | None,
                  paper_mm: int = 80, simulated: bool = False) -> int:
    simulators = []
    work = Path(tempfile.mkdtemp(prefix="onewindow-selftest-"))
    if simulated:
        from kiosk.hardware.simulated_camera import qr_frame, write_sequence
        from kiosk.hardware.simulated_card_reader import SimulatedCardReader
        from kiosk.hardware.simulated_printer import SimulatedPrinter

        if printer is None:
            device = SimulatedPrinter()
            simulators.append(device)
            printer = device.url
        if card_reader is None:
            reader = SimulatedCardReader()
            reader.insert()
            simulators.append(reader)
            card_reader = reader.path
        camera = camera or write_sequence(work / "camera", [qr_frame("ONEWINDOW-SELFTEST")])
        speech = speech or f"wav://{work / 'speech'}"
    results: list[tuple[str, bool, str]] = []
    try:
        if printer:
            def print_page() -> str:
                from kiosk.hardware.printer import open_printer
                from kiosk.hardware.ticket_slip import test_page

                device = open_printer(printer, paper_mm=paper_mm)
                status = device.print_slip(test_page("OneWindow 一窗", paper_mm))
                device.close()
                state = "status read" if status.known else "status not readable on this connection"
                return f"test slip printed ({paper_mm} mm, {state}{', paper low' if status.paper_low else ''})"

            results.append(("printer", *_check("printer", print_page)))
        if card_reader:
            def read_card() -> str:
                from kiosk.hardware.card_reader import CardReader

                reader = CardReader(card_reader, timeout_s=2)
                card = reader.read_card()
                reader.close()
                return f"card read: {card} (born {card.birth.year})"

            results.append(("card reader", *_check("card reader", read_card)))
        if camera:
            def decode() -> str:
                from kiosk.hardware.camera import QrScanner

                scanner = QrScanner(camera, loop=False)
                text = scanner.scan(timeout_s=10)
                scanner.close()
                if text is None:
                    raise RuntimeError("the camera works but saw no QR code in 10 s: hold one up to it")
                return f"QR code read: {text[:40]}"

            results.append(("camera", *_check("camera", decode)))
        if speech:
            def speak() -> str:
                from kiosk.hardware.speech import Speaker

                if speech.startswith("none:"):
                    return "speech is switched off (none://)"

                speaker = Speaker(speech)
                started = time.monotonic()
                speaker.say("请 A 零一二 号到 3 号窗口办理")
                if not speaker.wait_idle(30) or speaker.failures:
                    raise RuntimeError("espeak-ng failed: is the espeak-ng package installed, is there a sound card?")
                speaker.close()
                where = f", written to {speaker.written[-1]}" if speaker.written else ""
                return f"spoke a sentence in {time.monotonic() - started:.2f} s{where}"

            results.append(("speech", *_check("speech", speak)))
    finally:
        for device in simulators:
            device.close()
    if not results:
        print("nothing to test: name at least one of --printer, --card-reader, --camera, --speech (or --simulated)")
        return 2
    for name, ok, detail in results:
        print(f"{'OK  ' if ok else 'FAIL'} {name:12} {detail}")
    return 0 if all(ok for _, ok, _ in results) else 1
