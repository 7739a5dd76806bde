"""The lobby board (Kivy): the latest call large and flashing, the last calls, every open window with its
number, waiting counts, a notice line, the hall name and clock; at night the 24-hour zone's message; a red
line when the stream is lost. `window` mode shows one window for the small screen above it.

The event follower and the announcer run in their own threads; what they report reaches widgets only
through `Clock.schedule_once`.
"""

from __future__ import annotations

import datetime as dt
import logging

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label

from display.announcer import Announcer
from display.board_state import BoardState
from display.event_follower import EventFollower
from display.strings import t
from kiosk.app import register_cjk_font

log = logging.getLogger(__name__)

DARK = (0.05, 0.09, 0.16, 1)
PANEL = (0.1, 0.16, 0.27, 1)
YELLOW = (1, 0.84, 0.2, 1)
WHITE = (1, 1, 1, 1)
RED = (0.85, 0.15, 0.15, 1)


SCALE = {"factor": 1.0}  # sizes below are for a 1080-line screen; the app sets the factor from its window


def text(value: str = "", size: float = 40, color=WHITE, bold: bool = False, **kwargs) -> Label:  # noqa: ANN001
    label = Label(text=value, font_size=size * SCALE["factor"], color=color, bold=bold, halign="center", valign="middle", **kwargs)
    label.bind(size=lambda w, s: setattr(w, "text_size", (s[0] - 10, None)))
    return label


class Panel(BoxLayout):
    def __init__(self, color=PANEL, **kwargs):  # noqa: ANN001, ANN003
        super().__init__(**kwargs)
        with self.canvas.before:
            Color(*color)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=lambda *_: setattr(self._bg, "pos", self.pos), size=lambda *_: setattr(self._bg, "size", self.size))


class BoardApp(App):
    def __init__(self, follower_factory, announcer: Announcer, *, window: int | None = None,  # noqa: ANN001
                 notice: str = "", flash_s: float = 5, **kwargs):  # noqa: ANN003
        super().__init__(**kwargs)
        self.state = BoardState()
        self.follower = follower_factory(self._snapshot_from_thread, self._event_from_thread)
        self.announcer = announcer
        self.window_mode = window
        self.notice = notice
        self.flash_s = flash_s
        self.hall_info: dict = {}
        self.shown_at: dict[int, float] = {}  # event id → monotonic time it reached the screen (benchmarks)
        self._flash_until = 0.0

    # ---- threads → UI thread
    def _snapshot_from_thread(self, snapshot: dict) -> None:
        Clock.schedule_once(lambda _dt: self._on_snapshot(snapshot))

    def _event_from_thread(self, event: dict) -> None:
        Clock.schedule_once(lambda _dt: self._on_event(event))

    def _on_snapshot(self, snapshot: dict) -> None:
        self.state.resync(snapshot)
        self.render()

    def _on_event(self, event: dict) -> None:
        import time

        now = dt.datetime.now(dt.timezone.utc)
        for call in self.state.apply(event, now):
            self.announcer.announce(call)
            self._flash_until = time.monotonic() + self.flash_s
        self.render()
        self.shown_at[event["id"]] = time.monotonic()

    # ---- Kivy
    def build(self):  # noqa: ANN201
        from kivy.core.window import Window

        register_cjk_font()
        SCALE["factor"] = min(Window.height / 1080, Window.width / 1920) if self.window_mode is None else Window.height / 1080
        self.title = t("title")
        self.root_box = Panel(color=DARK, orientation="vertical", padding=20, spacing=14)
        self.follower.start()
        Clock.schedule_interval(lambda _dt: self.render(), 0.5)  # the clock, the flash, the connection line
        Clock.schedule_interval(lambda _dt: self._fetch_hall(), 60)
        self._fetch_hall()
        return self.root_box

    def on_stop(self) -> None:
        self.follower.stop()

    def _fetch_hall(self) -> None:
        import threading

        def fetch() -> None:
            try:
                info = self.follower.session.get(self.follower.base + "/api/v1/hall", timeout=5).json()
            except Exception:  # noqa: BLE001 - the board keeps its last info; the red line tells the story
                return
            Clock.schedule_once(lambda _dt: self._got_hall(info))

        threading.Thread(target=fetch, daemon=True).start()

    def _got_hall(self, info: dict) -> None:
        self.hall_info = info
        self.render()

    def render(self) -> None:
        import time

        box = self.root_box
        box.clear_widgets()
        state = self.state
        flashing = time.monotonic() < self._flash_until and int(time.monotonic() * 2) % 2 == 0
        top = BoxLayout(size_hint_y=None, height=90 * SCALE["factor"])
        top.add_widget(text(self.hall_info.get("name", ""), 44, bold=True, size_hint_x=0.7))
        top.add_widget(text(f"{dt.datetime.now():%H:%M}", 44, size_hint_x=0.3))
        box.add_widget(top)
        if not self.follower.connected:
            banner = Panel(color=RED, size_hint_y=None, height=70 * SCALE["factor"])
            banner.add_widget(text(t("disconnected"), 36, bold=True))
            box.add_widget(banner)
        if self.window_mode is not None:
            self._render_window(box, flashing)
            return
        night = self.hall_info and not self.hall_info.get("issuing_now", True) and not any(
            w.current for w in state.windows.values())
        if night:
            zone = self.hall_info.get("self_service", {})
            box.add_widget(text(zone.get("name", t("night")), 90, YELLOW, bold=True))
            box.add_widget(text(zone.get("notice", ""), 44))
            box.add_widget(text(t("opens", day=self.hall_info.get("next_issuing_day", ""),
                                  time=self.hall_info.get("issue_from", "")), 44))
            return
        middle = BoxLayout(spacing=14)
        latest = Panel(orientation="vertical", size_hint_x=0.55, padding=10)
        if state.latest:
            color = YELLOW if not flashing else WHITE
            latest.add_widget(text(t("please"), 56))
            latest.add_widget(text(state.latest.number, 200, color, bold=True))
            latest.add_widget(text(t("to_window", window=state.latest.window), 80, color, bold=True))
        else:
            latest.add_widget(text(t("welcome"), 64))
        middle.add_widget(latest)
        recent = Panel(orientation="vertical", size_hint_x=0.45, padding=10)
        recent.add_widget(text(t("recent"), 40, bold=True, size_hint_y=None, height=60 * SCALE["factor"]))
        for call in list(state.recent)[:6]:
            recent.add_widget(text(f"{call.number}    →    {t('window_n', window=call.window)}", 44))
        middle.add_widget(recent)
        box.add_widget(middle)
        grid = GridLayout(cols=8, spacing=8, size_hint_y=None, height=170 * SCALE["factor"])
        for row in sorted(state.windows.values(), key=lambda r: r.number):
            if row.state == "closed":
                continue
            shown = t("paused") if row.state == "paused" else (row.current or "—")
            cell = Panel(orientation="vertical")
            cell.add_widget(text(t("window_n", window=row.number), 30))
            cell.add_widget(text(shown, 38, YELLOW if row.state == "open" else RED, bold=True))
            grid.add_widget(cell)
        box.add_widget(grid)
        waiting = "　".join(f"{state.category_names.get(c, c)} {n}" for c, n in state.waiting.items() if n)
        box.add_widget(text(t("waiting", counts=waiting or t("nobody_waiting")), 34, size_hint_y=None,
                                height=60 * SCALE["factor"]))
        box.add_widget(text(self.notice, 32, YELLOW, size_hint_y=None, height=56 * SCALE["factor"]))

    def _render_window(self, box, flashing: bool) -> None:  # noqa: ANN001
        row = self.state.windows.get(self.window_mode)
        name = row.name if row else t("window_n", window=self.window_mode)
        box.add_widget(text(name, 90, bold=True))
        if row is None or row.state == "closed":
            box.add_widget(text(t("closed"), 120, RED, bold=True))
        elif row.state == "paused":
            box.add_widget(text(t("paused"), 140, RED, bold=True))
        else:
            box.add_widget(text(row.current or "—", 260, WHITE if flashing else YELLOW, bold=True))
