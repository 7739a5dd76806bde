"""Builds the lobby board from its settings and runs it."""

from __future__ import annotations

import json
import os

from display.settings import DisplaySettings


def display_token(settings: DisplaySettings) -> str | None:
    if settings.token:
        return settings.token
    if settings.token_file and settings.token_file.exists():
        return json.loads(settings.token_file.read_text(encoding="utf-8")).get("display")
    return None


def build_board(settings: DisplaySettings):  # noqa: ANN201 - a BoardApp (Kivy is imported late)
    from display.announcer import Announcer
    from display.app import BoardApp
    from display.event_follower import EventFollower

    token = display_token(settings)
    announcer = Announcer(settings.announcer, voice=settings.voice, rate=settings.speech_rate, repeat=settings.repeat,
                          volume=settings.volume,
                          clips=settings.clips)

    def follower(on_snapshot, on_event):  # noqa: ANN001, ANN202
        return EventFollower(settings.caller_url, token, on_snapshot=on_snapshot, on_event=on_event,
                             silence_s=settings.silence_s)

    return BoardApp(follower, announcer, window=settings.window, notice=settings.notice, flash_s=settings.flash_s)


def run_display(settings: DisplaySettings) -> int:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    Config.set("graphics", "width", str(settings.width))
    Config.set("graphics", "height", str(settings.height))
    Config.set("graphics", "fullscreen", "auto" if settings.fullscreen else "0")
    Config.set("kivy", "log_level", "info")
    app = build_board(settings)
    try:
        app.run()
    finally:
        app.announcer.close()
    return 0
