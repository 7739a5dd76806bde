"""Builds a kiosk from its settings — devices opened from their URLs, simulated ones where asked — and runs it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from kiosk.client import CallerClient, token_from
from kiosk.journey import Devices, Journey
from kiosk.settings import KioskSettings

log = logging.getLogger(__name__)


@dataclass
class Simulators:
    """The simulated devices this process started; closed with the kiosk."""

    running: list = field(default_factory=list)

    def close(self) -> None:
        for device in self.running:
            device.close()


def open_devices(settings: KioskSettings) -> tuple[Devices, Simulators]:
    from kiosk.hardware.card_reader import CardReader
    from kiosk.hardware.printer import open_printer
    from kiosk.hardware.speech import Speaker

    simulators = Simulators()
    work = settings.work_dir
    printer_url = settings.printer or (f"file://{(work / 'slips.bin').resolve()}" if settings.simulated else None)
    reader_url = settings.card_reader
    if reader_url is None and settings.simulated:
        from kiosk.hardware.simulated_card_reader import SimulatedCardReader

        reader = SimulatedCardReader(demo_hand=True)  # a simulated citizen places and takes back the demo card
        simulators.running.append(reader)
        reader_url = reader.path
    camera_url = settings.camera
    if camera_url is None and settings.simulated:
        from kiosk.hardware.simulated_camera import blank_frame, write_sequence

        camera_url = write_sequence(work / "camera", [blank_frame()])  # replace the frames to "show" a code
    speech_url = settings.speech if not (settings.simulated and settings.speech == "espeak://") else \
        f"wav://{(work / 'speech').resolve()}"
    scanner = None
    if camera_url:
        from kiosk.hardware.camera import QrScanner

        scanner = QrScanner(camera_url)
    devices = Devices(
        printer=open_printer(printer_url, paper_mm=settings.paper_mm) if printer_url else None,
        card_reader=CardReader(reader_url) if reader_url else None,
        scanner=scanner,
        speaker=Speaker(speech_url, voice=settings.voice, rate=settings.speech_rate),
        simulated=settings.simulated,
    )
    return devices, simulators


def build_journey(settings: KioskSettings) -> tuple[Journey, Simulators]:
    devices, simulators = open_devices(settings)
    client = CallerClient(settings.caller_url, token_from(settings.token, settings.token_file, "kiosk"),
                          source=settings.name, ca_file=settings.ca_file)
    journey = Journey(client, devices, green_age=settings.green_age, paper_mm=settings.paper_mm,
                      public_url=settings.public_url)
    return journey, simulators


def run_kiosk(settings: KioskSettings) -> int:
    from kiosk.kivy_setup import configure_window

    configure_window(settings.width, settings.height, settings.fullscreen)
    from kiosk.app import KioskApp

    journey, simulators = build_journey(settings)
    try:
        KioskApp(journey, idle_timeout_s=settings.idle_timeout_s, done_return_s=settings.done_return_s,
                 allow_skip_id=settings.allow_skip_id, simulated=settings.simulated, work_dir=settings.work_dir,
                   scan_timeout_s=settings.scan_timeout_s, report_s=settings.report_s).run()
    finally:
        if journey.devices.speaker:
            journey.devices.speaker.close()
        simulators.close()
    return 0
