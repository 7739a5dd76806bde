"""The kiosk's typed settings: constructor arguments, or ONEWINDOW_KIOSK_* environment variables.

Every device is a URL (docs: README, "Kiosk"); `simulated = true` starts the simulated ones for whatever
is not set: a card reader on a pty with a demo card on it, slips into a file, QR frames from a folder,
speech into WAV files.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class KioskSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ONEWINDOW_KIOSK_", extra="ignore")

    caller_url: str = "http://127.0.0.1:8300"
    token: str | None = None  # a kiosk-role token
    token_file: Path | None = None  # or the demo tokens file the caller writes in demo mode (its "kiosk" entry)
    ca_file: Path | None = None  # the hall CA's certificate, to verify an https:// caller (onewindow tls make-cert)
    public_url: str | None = None  # where phones reach the public pages (the slip's QR); default: the hall file's
    name: str = "kiosk-1"  # which kiosk: sent with tickets and help requests
    printer: str | None = None  # tcp://host:9100, serial:///dev/ttyUSB0?baudrate=…, usb://VID:PID, file://…, dummy://
    card_reader: str | None = None  # a serial port or pyserial URL
    camera: str | None = None  # camera://0, or a video / image-sequence path
    speech: str = "espeak://"  # espeak://, wav:///dir, none://
    voice: str = "cmn-latn-pinyin"
    speech_rate: int = Field(default=150, ge=60, le=400)
    paper_mm: int = Field(default=80)
    green_age: int = Field(default=70, ge=0, le=120)  # 0: no age rule
    idle_timeout_s: float = Field(default=60, gt=0)
    done_return_s: float = Field(default=12, gt=0)
    scan_timeout_s: float = Field(default=30, gt=0)  # how long the camera looks for a QR code
    report_s: float = Field(default=30, gt=0)  # how often the kiosk reports its devices to the 咨询台 (heartbeat)
    allow_skip_id: bool = True  # a category that asks for the ID card may still be taken without it
    simulated: bool = False
    work_dir: Path = Path("var/kiosk")
    width: int = 1080
    height: int = 1920
    fullscreen: bool = False
