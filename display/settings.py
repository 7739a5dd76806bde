"""The lobby board's typed settings: constructor arguments, or ONEWINDOW_DISPLAY_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DisplaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ONEWINDOW_DISPLAY_", extra="ignore")

    caller_url: str = "http://127.0.0.1:8300"
    token: str | None = None  # a display-role token
    token_file: Path | None = None  # or the caller's demo tokens file (its "display" entry)
    ca_file: Path | None = None  # the hall CA's certificate, to verify an https:// caller (onewindow tls make-cert)
    window: int | None = None  # window mode: the small screen above one window
    name: str = Field(default="board-lobby", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")  # at the 咨询台's notices
    report_s: float = Field(default=30, gt=0)  # how often the board reports itself (the heartbeat)
    announcer: str = "play://"  # play:// (aplay), wav:///dir, none://
    voice: str = "cmn-latn-pinyin"
    speech_rate: int = Field(default=140, ge=60, le=400)
    repeat: int = Field(default=2, ge=1, le=5)
    volume: float = Field(default=1.0, ge=0, le=2)
    clips: Path | None = None  # recorded clips folder (assets/voice), instead of synthetic speech
    notice: str = "请留意叫号，过号请到服务台；办事请带齐材料。"
    flash_s: float = Field(default=5, ge=0)
    hold_s: float = Field(default=10, ge=0)  # the big panel keeps the call this long after the flash, then clears
    silence_s: float = Field(default=15, gt=0)  # the stream counts as lost after this long without a byte
    width: int = 1920
    height: int = 1080
    fullscreen: bool = False
