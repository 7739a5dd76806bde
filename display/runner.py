"""Builds the lobby board from its settings and runs it."""

from __future__ import annotations

from display.settings import DisplaySettings
from kiosk.client import token_from


def build_board(settings: DisplaySettings):  # noqa: ANN201 - a BoardApp (Kivy is imported late)
    from display.announcer import Announcer
    from display.app import BoardApp
    from display.event_follower import EventFollower

    token = token_from(settings.token, settings.token_file, "display")
    announcer = Announcer(settings.announcer, voice=settings.voice, rate=settings.speech_rate, repeat=settings.repeat,
                          volume=settings.volume,
                          clips=settings.clips)

    def follower(on_snapshot, on_event):  # noqa: ANN001, ANN202
        return EventFollower(settings.caller_url, token, on_snapshot=on_snapshot, on_event=on_event,
                             silence_s=settings.silence_s, ca_file=settings.ca_file)

    return BoardApp(follower, announcer, window=settings.window, notice=settings.notice, flash_s=settings.flash_s,
                    hold_s=settings.hold_s)


def run_display(settings: DisplaySettings) -> int:
    from kiosk.kivy_setup import configure_window

    configure_window(settings.width, settings.height, settings.fullscreen)
    app = build_board(settings)
    try:
        app.run()
    finally:
        app.announcer.close()
    return 0
