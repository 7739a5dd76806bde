"""Builds the lobby board from its settings and runs it."""

from __future__ import annotations

from display.settings import DisplaySettings
from kiosk.client import token_from
from kiosk.device_health import Reporter


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

    app = BoardApp(follower, announcer, window=settings.window, notice=settings.notice, flash_s=settings.flash_s,
                   hold_s=settings.hold_s)
    app.reporter = board_reporter(settings, app.follower, announcer)  # started and stopped with the board
    return app


def board_reporter(settings: DisplaySettings, follower, announcer) -> Reporter:  # noqa: ANN001
    """The board's heartbeat and its announcer's state, to the 咨询台: every `report_s`, and at once when the
    announcer starts or stops failing."""
    reporter = Reporter(lambda conditions: follower.report(settings.name, conditions),
                        lambda: ["announcer-failed"] if announcer.failing else [], settings.report_s)
    announcer.on_health = reporter.poke
    return reporter


def run_display(settings: DisplaySettings) -> int:
    from kiosk.kivy_setup import configure_window

    configure_window(settings.width, settings.height, settings.fullscreen)
    app = build_board(settings)
    try:
        app.run()
    finally:
        app.announcer.close()
    return 0
