"""The lobby board (Kivy): the call being said large and flashing (through a burst it follows the voice; it
clears a few seconds after), the last calls with their matters, every open window with its number, waiting
counts, the 过号 list, a notice line, the hall name and clock; at night the 24-hour zone's message; a red
line when the stream is lost. `window` mode shows one window for the small screen above it.

The event follower and the announcer run in their own threads; what they report reaches widgets only
through `Clock.schedule_once`.
"""

from __future__ import annotations

import collections
import logging

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label

from display.announcer import Announcer, Call
from display.board_state import BoardState, ShownCall
from display.strings import t
from kiosk.kivy_setup import register_cjk_font
from kiosk.wrapped_label import Wrapped

log = logging.getLogger(__name__)

DARK = (0.05, 0.09, 0.16, 1)
PANEL = (0.1, 0.16, 0.27, 1)
YELLOW = (1, 0.84, 0.2, 1)
WHITE = (1, 1, 1, 1)
RED = (0.85, 0.15, 0.15, 1)


SCALE = {"factor": 1.0}  # sizes below are for a 1080-line screen; the app sets the factor from its window


class BoardLabel(Wrapped, Label):
    """A board text: its lines broken by the Chinese rules (no line starts with ，。, no lone last character)."""


def text(value: str = "", size: float = 40, color=WHITE, bold: bool = False, **kwargs) -> Label:  # noqa: ANN001
    label = BoardLabel(text=value, font_size=size * SCALE["factor"], color=color, bold=bold, halign="center",
                       valign="middle", **kwargs)
    label.bind(size=lambda w, s: setattr(w, "text_size", (s[0] - 10, None)))
    label._start_wrapping()
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
                 notice: str = "", flash_s: float = 5, hold_s: float = 10, **kwargs):  # noqa: ANN003
        super().__init__(**kwargs)
        self.state = BoardState()
        self.follower = follower_factory(self._snapshot_from_thread, self._event_from_thread)
        self.announcer = announcer
        self.reporter = None  # kiosk.device_health.Reporter: the heartbeat to the 咨询台 (set by display.runner)
        self.window_mode = window
        self.notice = notice
        self.flash_s = flash_s
        self.hold_s = hold_s  # the big panel keeps a call this long after its flash, then clears
        self.hall_info: dict = {}
        # the big panel: the call being said (it follows the voice through a burst), until flash and hold are over
        self.panel: ShownCall | None = None
        self._panel_until = 0.0
        self._to_show: dict[tuple[str, int, bool], ShownCall] = {}  # announced, waiting for the voice
        self.panel_seen: collections.deque = collections.deque(maxlen=2000)  # the panel's numbers in order (tests)
        announcer.on_speaking = lambda call: Clock.schedule_once(lambda _dt: self._speaking(call))
        # the last calls' (number, time.monotonic() when drawn), for the benchmarks; bounded
        self.shown_at: collections.deque = collections.deque(maxlen=2000)
        self._flash_until = 0.0
        self._pending_shown: list[str] = []
        self._render_soon = Clock.create_trigger(lambda _dt: self.render())

    # ---- threads → UI thread
    def _snapshot_from_thread(self, snapshot: dict) -> None:
        Clock.schedule_once(lambda _dt: self._on_snapshot(snapshot))

    def _event_from_thread(self, event: dict) -> None:
        Clock.schedule_once(lambda _dt: self._on_event(event))

    def _on_snapshot(self, snapshot: dict) -> None:
        self.state.resync(snapshot)
        self._render_soon()

    def _on_event(self, event: dict) -> None:
        import time

        for call in self.state.apply(event, self.follower.clock.now()):
            shown = self.state.latest
            if self.announcer.mode == "none" or shown is None:
                self._put_on_panel(shown)  # nothing is said: the panel shows the call as it comes
            else:
                self._to_show[(call.number, call.window, call.recall)] = shown
                self.announcer.announce(call)
        if event["type"] == "ticket-called":
            self._pending_shown.append(event["number"])
        self._render_soon()  # a burst of events in one frame is drawn once

    def _speaking(self, call: Call) -> None:
        self._put_on_panel(self._to_show.pop((call.number, call.window, call.recall), None))

    def _put_on_panel(self, shown: ShownCall | None) -> None:
        import time

        if shown is None:
            return
        self.panel = shown
        self._flash_until = time.monotonic() + self.flash_s
        self._panel_until = self._flash_until + self.hold_s
        if not self.panel_seen or self.panel_seen[-1] != shown.number:
            self.panel_seen.append(shown.number)
        self._render_soon()

    def _panel_call(self) -> ShownCall | None:
        """The panel's call while its time lasts, its window is open and busy (a paused or closed window's call goes,
        and so does one its window let go of, e.g. as 过号); in a burst the window may hold the next one already."""
        import time

        call = self.panel
        if call is None or time.monotonic() >= self._panel_until:
            return None
        row = self.state.windows.get(call.window)
        if row is not None and (row.state != "open" or row.current is None) or call.number in self.state.no_shows:
            return None
        return call

    # ---- Kivy
    def build(self):  # noqa: ANN201
        from kivy.core.window import Window

        register_cjk_font()
        SCALE["factor"] = min(Window.height / 1080, Window.width / 1920) if self.window_mode is None else Window.height / 1080
        self.title = t("title")
        self.root_box = Panel(color=DARK, orientation="vertical", padding=20, spacing=14)
        self._build_widgets()
        self.follower.start()
        if self.reporter is not None:
            self.reporter.start()
        Clock.schedule_interval(lambda _dt: self.render(), 0.5)  # the clock, the flash, the connection line
        Clock.schedule_interval(lambda _dt: self._fetch_hall(), 60)
        self._fetch_hall()
        return self.root_box

    def _build_widgets(self) -> None:
        """Every widget is made once; `render` only changes texts and colours (a rebuild per event was slow
        and grew memory: measured in docs/benchmarks.md)."""
        f = SCALE["factor"]
        self.top = BoxLayout(size_hint_y=None, height=90 * f)
        self.hall_label = text("", 44, bold=True, size_hint_x=0.7)
        self.clock_label = text("", 44, size_hint_x=0.3)
        self.top.add_widget(self.hall_label)
        self.top.add_widget(self.clock_label)
        self.banner = Panel(color=RED, size_hint_y=None, height=70 * f)
        self.banner.add_widget(text(t("disconnected"), 36, bold=True))
        # window mode
        self.window_view = BoxLayout(orientation="vertical")
        self.window_name = text("", 90, bold=True)
        self.window_number = text("", 260, YELLOW, bold=True)
        self.window_view.add_widget(self.window_name)
        self.window_view.add_widget(self.window_number)
        # night
        self.night_view = BoxLayout(orientation="vertical")
        self.night_title = text("", 90, YELLOW, bold=True)
        self.night_notice = text("", 44)
        self.night_opens = text("", 44)
        for widget in (self.night_title, self.night_notice, self.night_opens):
            self.night_view.add_widget(widget)
        # the board
        self.board_view = BoxLayout(orientation="vertical", spacing=14)
        middle = BoxLayout(spacing=14)
        latest = Panel(orientation="vertical", size_hint_x=0.55, padding=10)
        self.latest_please = text("", 56)
        self.latest_number = text("", 200, YELLOW, bold=True)
        self.latest_category = text("", 56)
        self.latest_window = text("", 80, YELLOW, bold=True)
        for widget in (self.latest_please, self.latest_number, self.latest_category, self.latest_window):
            latest.add_widget(widget)
        middle.add_widget(latest)
        recent = Panel(orientation="vertical", size_hint_x=0.45, padding=10)
        recent.add_widget(text(t("recent"), 40, bold=True, size_hint_y=None, height=60 * f))
        self.recent_labels = [text("", 44) for _ in range(6)]
        for label in self.recent_labels:
            recent.add_widget(label)
        middle.add_widget(recent)
        self.board_view.add_widget(middle)
        self.grid = GridLayout(cols=8, spacing=8, size_hint_y=None, height=170 * f)
        self.cells: dict[int, tuple[Label, Label]] = {}
        self.grid_windows: tuple[int, ...] = ()
        self.board_view.add_widget(self.grid)
        self.waiting_label = text("", 34, size_hint_y=None, height=60 * f)
        self.no_show_label = text("", 34, RED, bold=True, size_hint_y=None, height=56 * f)
        self.notice_label = text(self.notice, 32, YELLOW, size_hint_y=None, height=56 * f)
        self.board_view.add_widget(self.waiting_label)
        self.board_view.add_widget(self.no_show_label)
        self.board_view.add_widget(self.notice_label)
        self.layout: tuple[str, bool] | None = None

    def _show(self, mode: str, connected: bool) -> None:
        """Attach the views for `mode`, with the red line when the stream is lost; only when that changes."""
        if (mode, connected) == self.layout:
            return
        self.layout = (mode, connected)
        self.root_box.clear_widgets()
        self.root_box.add_widget(self.top)
        if not connected:
            self.root_box.add_widget(self.banner)
        self.root_box.add_widget({"window": self.window_view, "night": self.night_view, "board": self.board_view}[mode])

    def on_stop(self) -> None:
        self.follower.stop()
        if self.reporter is not None:
            self.reporter.stop()

    def _fetch_hall(self) -> None:
        import threading

        def fetch() -> None:
            info = self.follower.hall()
            if info is None:
                return  # the board keeps its last info; the red line tells the story
            Clock.schedule_once(lambda _dt: self._got_hall(info))

        threading.Thread(target=fetch, daemon=True).start()

    def _got_hall(self, info: dict) -> None:
        self.hall_info = info
        self.render()

    def render(self) -> None:
        import time

        state = self.state
        flashing = time.monotonic() < self._flash_until and int(time.monotonic() * 2) % 2 == 0
        self.hall_label.text = self.hall_info.get("name", "")
        self.clock_label.text = f"{self.follower.clock.now():%H:%M}"  # the caller's time, in the hall's zone
        mode = "window" if self.window_mode is not None else "night" if state.is_night(self.hall_info) else "board"
        self._show(mode, self.follower.connected)
        if mode == "window":
            self._render_window(flashing)
        elif mode == "night":
            zone = self.hall_info.get("self_service", {})
            self.night_title.text = zone.get("name", t("night"))
            self.night_notice.text = zone.get("notice", "")
            self.night_opens.text = t("opens", day=self.hall_info.get("next_issuing_day", ""),
                                      time=self.hall_info.get("issue_from", ""))
        else:
            self._render_board(flashing)
        if self._pending_shown:
            drawn = time.monotonic()
            self.shown_at.extend((number, drawn) for number in self._pending_shown)
            self._pending_shown.clear()

    def _render_board(self, flashing: bool) -> None:
        state = self.state
        color = WHITE if flashing else YELLOW
        panel = self._panel_call()
        if panel:
            self.latest_please.text = t("please_again") if panel.recall else t("please")
            self.latest_number.text = panel.number
            self.latest_category.text = panel.category
            self.latest_window.text = t("to_window", window=panel.window)
        else:
            self.latest_please.text, self.latest_number.text, self.latest_window.text = "", t("welcome"), ""
            self.latest_category.text = ""
        self.latest_number.color = self.latest_window.color = color
        recent = list(state.recent)[:6]
        for index, label in enumerate(self.recent_labels):
            call = recent[index] if index < len(recent) else None
            label.text = f"{call.number}  {call.category}  →  {t('window_n', window=call.window)}" if call else ""
        shown = tuple(r.number for r in sorted(state.windows.values(), key=lambda r: r.number) if r.state != "closed")
        if shown != self.grid_windows:  # a window opened or closed: the only time cells are made
            self.grid.clear_widgets()
            self.cells = {}
            for number in shown:
                cell = Panel(orientation="vertical")
                name, current = text(t("window_n", window=number), 30), text("", 38, YELLOW, bold=True)
                cell.add_widget(name)
                cell.add_widget(current)
                self.grid.add_widget(cell)
                self.cells[number] = (name, current)
            self.grid_windows = shown
        for number, (_, current) in self.cells.items():
            row = state.windows[number]
            current.text = t("paused") if row.state == "paused" else (row.current or "—")
            current.color = YELLOW if row.state == "open" else RED
        waiting = "　".join(f"{state.category_names.get(c, c)} {n}" for c, n in state.waiting.items() if n)
        self.waiting_label.text = t("waiting", counts=waiting or t("nobody_waiting"))
        self.no_show_label.text = t("no_shows", numbers="　".join(state.no_shows)) if state.no_shows else ""

    def _render_window(self, flashing: bool) -> None:
        row = self.state.windows.get(self.window_mode)
        self.window_name.text = row.name if row else t("window_n", window=self.window_mode)
        if row is None or row.state == "closed":
            self.window_number.text, self.window_number.color = t("closed"), RED
        elif row.state == "paused":
            self.window_number.text, self.window_number.color = t("paused"), RED
        else:
            self.window_number.text = row.current or "—"
            self.window_number.color = WHITE if flashing else YELLOW
