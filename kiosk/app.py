"""The Kivy kiosk app: screens, the worker threads that talk to the caller and the devices, the idle timeout.

Threads never touch widgets: a worker returns plain data, and `_work` hands it to the UI thread with
`Clock.schedule_once`. The citizen's journey itself lives in kiosk.journey.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.kivy_setup import register_cjk_font
from kiosk.client import CallerUnavailable, Refused, new_key
from kiosk.device_health import Reporter
from kiosk.hardware.card_reader import CardReadError, ReadFailure
from kiosk.journey import CardLeftOn, HomeView, Journey, Mode, TicketOutcome
from kiosk.pickup import PickupFlow
from kiosk.screens.check_in_screen import CheckInScreen
from kiosk.screens.done_screen import DoneScreen
from kiosk.screens.guide_screen import GuideScreen
from kiosk.screens.home_screen import HomeScreen
from kiosk.screens.id_card_screen import IdCardScreen
from kiosk.screens.message_screen import MessageScreen
from kiosk.screens.night_screen import BookedScreen, CategoriesScreen, NightScreen, SlotsScreen
from kiosk.screens.pickup_screen import PickupScreen
from kiosk.screens.typed_id_screen import TypedIdScreen
from kiosk.screens.widgets import find, rescale
from kiosk.strings import t

log = logging.getLogger(__name__)

# the explicit registry of screens
SCREENS = {
    "home": HomeScreen, "guide": GuideScreen, "id_card": IdCardScreen, "typed_id": TypedIdScreen,
    "check_in": CheckInScreen, "done": DoneScreen, "message": MessageScreen, "night": NightScreen,
    "pickup": PickupScreen,
    "categories": CategoriesScreen, "slots": SlotsScreen, "booked": BookedScreen,
}
LARGE_TYPE = 1.6  # 大字模式: every text this much larger (for elderly eyes)
IDLE_WARNING_S = 10  # this long before the idle reset, the screen and the voice say it is coming
CARD_REMINDER_S = 6  # after a ticket, 请取回身份证 is said again this often while the card lies on the reader
CARD_REMINDER_MAX_S = 120  # and the done screen waits this long at most for the card to be taken


class KioskApp(PickupFlow, App):
    font_scale = NumericProperty(1.0)
    large_type = BooleanProperty(False)

    def __init__(self, journey: Journey, *, idle_timeout_s: float = 60, done_return_s: float = 12,
                 allow_skip_id: bool = True, simulated: bool = False, work_dir: Path = Path("var/kiosk"),
                 scan_timeout_s: float = 30, report_s: float = 30, **kwargs):
        super().__init__(**kwargs)
        self.journey = journey
        self.idle_timeout_s = idle_timeout_s
        self.done_return_s = done_return_s
        self.allow_skip_id = allow_skip_id
        self.simulated = simulated
        self.work_dir = work_dir
        self.scan_timeout_s = scan_timeout_s
        self.home_view: HomeView | None = None
        self.hall_name = ""
        self.last_touch = time.monotonic()
        self.journey_id = 0  # bumps on every navigation home: stale worker results are dropped
        self._pending: dict[str, Any] | None = None  # an issue to retry with the same key
        self._return_home = None
        self._refreshing = False
        self._warned = False  # the idle warning is showing
        # the devices' conditions and the heartbeat, to the 咨询台 (paper low or out, reader, camera)
        self.reporter = Reporter(journey.client.report_device, journey.check_devices, report_s)
        journey.health.on_change = self.reporter.poke

    # ---- Kivy
    def build(self) -> ScreenManager:
        register_cjk_font()
        self.title = t("app_title")
        self.manager = ScreenManager(transition=NoTransition())
        for name, screen in SCREENS.items():
            self.manager.add_widget(screen(name=name))
        Window.bind(on_touch_down=self._touched)
        Clock.schedule_interval(self._check_idle, 1)
        return self.manager

    def on_start(self) -> None:
        self.refresh()
        self.reporter.start()

    def on_stop(self) -> None:
        self.journey_id += 1
        self.reporter.stop()

    def _touched(self, *_: Any) -> None:
        self.last_touch = time.monotonic()
        if self._warned:
            self._warned = False
            self.manager.current_screen.warn("")

    def _check_idle(self, _dt: float) -> None:
        current = self.manager.current
        if current in ("home", "night") and self.large_type and time.monotonic() - self.last_touch > self.idle_timeout_s:
            self.toggle_large_type()  # left on at the home screen: the next citizen starts in normal type
            return
        if current in ("home", "night", "done") or self._pending is not None:
            return  # the done screen goes home by itself; a message screen goes home too (an out-of-service one
            # comes straight back if still true)
        idle = time.monotonic() - self.last_touch
        if idle > self.idle_timeout_s:
            log.info("idle on %s: back home", current)
            self.next_citizen()
        elif idle > self.idle_timeout_s - IDLE_WARNING_S and not self._warned:
            self._warned = True
            left = max(1, round(self.idle_timeout_s - idle))
            self.manager.current_screen.warn(t("idle_warning", seconds=left))
            self.journey.say("say_idle_warning", seconds=left)

    def next_citizen(self) -> None:
        """Home for whoever comes next: large type off again (it was this citizen's choice), no warning left."""
        self._warned = False
        if self.large_type:
            self.toggle_large_type()
        self.go_home()

    # ---- plumbing
    def _work(self, task: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[Exception], None]) -> None:
        """Run `task` off the UI thread; its result or error comes back on the UI thread, unless the citizen
        went home meanwhile."""
        ticket = self.journey_id

        def run() -> None:
            try:
                result = task()
            except Exception as exc:  # noqa: BLE001 - every failure becomes a screen, never a crash
                error = exc
                Clock.schedule_once(lambda _dt: ticket == self.journey_id and failed(error))
            else:
                Clock.schedule_once(lambda _dt: ticket == self.journey_id and done(result))

        threading.Thread(target=run, daemon=True).start()

    def go(self, name: str, **data: Any) -> None:
        if self._return_home is not None:
            self._return_home.cancel()
            self._return_home = None
        screen = self.manager.get_screen(name)
        screen.show(**data)
        self.manager.current = name

    def go_home(self) -> None:
        self.journey_id += 1
        self._pending = None
        self.refresh()

    def refresh(self) -> None:
        if self._refreshing:
            return
        self._refreshing = True

        def shown(view: HomeView) -> None:
            self._refreshing = False
            self.home_view = view
            self.hall_name = view.hall_name
            if view.mode is Mode.DAY:
                self.go("home")
            elif view.mode is Mode.NIGHT:
                self.go("night")
            else:
                self.go("message", title=t("out_of_service"), message=view.message, retrying=True)
                Clock.schedule_once(lambda _dt: self.manager.current == "message" and self.refresh(), 5)

        def failed(exc: Exception) -> None:
            self._refreshing = False
            log.exception("home refresh failed", exc_info=exc)
            self.go("message", title=t("out_of_service"), message=t("caller_unreachable"), retrying=True)
            Clock.schedule_once(lambda _dt: self.refresh(), 5)

        self._work(self.journey.home, shown, failed)

    # ---- intents from the screens
    def toggle_large_type(self) -> None:
        self.large_type = not self.large_type
        self.font_scale = LARGE_TYPE if self.large_type else 1.0
        rescale(self.manager.current_screen)
        button = find(self.manager.current_screen, "large_type")
        if button is not None:  # the button says what a touch does now, at once
            button.text = t("normal_type") if self.large_type else t("large_type")

    def request_help(self) -> None:
        self._work(self.journey.request_help, lambda text: self.go("message", message=text),
                   lambda exc: self.go("message", message=t("caller_unreachable")))

    def choose_category(self, category: str) -> None:
        if category == self.pickup_category():  # 统一出件: the code, the case QR or the card first
            self.start_pickup()
            return
        self.go("guide", category=category)

    def take_number(self, category: str) -> None:
        choice = self.journey.categories.get(category)
        if choice and choice.needs_id_card and self.journey.devices.card_reader is not None:
            self.ask_for_card(category, "ticket")
        else:
            self.issue(category)

    def ask_for_card(self, category: str, purpose: str, slot: str | None = None) -> None:
        """The ID screen, for a ticket or a real-name booking (`slot`): the card placed in this journey, or typed."""
        self.journey.ask_for_card()  # a card already lying there is not this citizen's until lifted
        self.go("id_card", category=category, purpose=purpose, slot=slot)
        self.journey.say("say_put_card")
        self._poll_card(category, purpose, slot)

    def with_id(self, category: str, purpose: str, slot: str | None, *, card: Any = None,
                typed_id: str | None = None) -> None:
        if purpose == "book":
            self._book(category, slot, card=card, typed_id=typed_id)
        elif purpose == "pickup":
            self.pick_up(card=card, typed_id=typed_id)
        else:
            self.issue(category, card=card, typed_id=typed_id)

    def _poll_card(self, category: str, purpose: str = "ticket", slot: str | None = None) -> None:
        again = lambda _dt: self.manager.current == "id_card" and self._poll_card(category, purpose, slot)  # noqa: E731

        def read() -> Any:
            try:
                return self.journey.poll_card()
            except (CardReadError, CardLeftOn) as exc:
                return exc

        def got(result: Any) -> None:
            if self.manager.current != "id_card":
                return
            screen = self.manager.current_screen
            if isinstance(result, CardLeftOn):
                if screen.status.plain_text != t("card_left_on", name=result.masked_name):
                    screen.status.text = t("card_left_on", name=result.masked_name)
                    self.journey.say("say_card_left_on")
                Clock.schedule_once(again, 0.4)
                return
            if isinstance(result, CardReadError):
                if result.failure is ReadFailure.NO_CARD and screen.status.plain_text != t("card_failed"):
                    screen.status.text = t("waiting_card")
                if result.failure in (ReadFailure.READ_FAILED, ReadFailure.BAD_DATA, ReadFailure.DISCONNECTED):
                    screen.status.text = t("card_failed")
                Clock.schedule_once(again, 0.4)
                return
            self.with_id(category, purpose, slot, card=result)

        self._work(read, got, lambda exc: None)

    def issue(self, category: str, *, card: Any = None, typed_id: str | None = None) -> None:
        self._pending = {"category": category, "card": card, "typed_id": typed_id, "key": new_key(), "tries": 0}
        self._issue()

    def _issue(self) -> None:
        pending = self._pending
        if pending is None:
            return
        pending["tries"] += 1

        def done(outcome: TicketOutcome) -> None:
            self._pending = None
            self.go("done", outcome=outcome, card_used=pending["card"] is not None)
            if pending["card"] is not None:
                self._remind_card(time.monotonic())
            else:
                self._return_home = Clock.schedule_once(lambda _dt: self.next_citizen(), self.done_return_s)

        def failed(exc: Exception) -> None:
            if isinstance(exc, Refused):
                self._pending = None
                if exc.code == "invalid_id_number":  # what was typed stays, to be corrected
                    self.go("typed_id", category=pending["category"], error=t("id_invalid"),
                            digits=pending["typed_id"] or "")
                else:
                    self.go("message", message=exc.chinese)
                return
            log.warning("issue failed (try %s): %s", pending["tries"], exc)
            if pending["tries"] >= 5:
                self._pending = None
                self.go("message", title=t("out_of_service"), message=t("caller_unreachable"))
                return
            # the same key on every retry: if the caller issued it and the answer was lost, we get that ticket
            self.go("message", title=t("out_of_service"), message=t("caller_unreachable"), retrying=True)
            Clock.schedule_once(lambda _dt: self._issue(), 3)

        self._work(
            lambda: self.journey.take_number(pending["category"], card=pending["card"], typed_id=pending["typed_id"],
                                             key=pending["key"]),
            done, failed,
        )

    def _remind_card(self, since: float, said_at: float = 0.0) -> None:
        """After a ticket taken with the card: 请取回身份证 on the screen and by voice until the card is lifted;
        only then does the screen go home by itself (at the latest after CARD_REMINDER_MAX_S)."""
        current = self.journey_id

        def seen(left: bool) -> None:
            if self.manager.current != "done":
                return
            screen = self.manager.current_screen
            elapsed = time.monotonic() - since
            if left and elapsed < CARD_REMINDER_MAX_S:
                spoken = said_at
                if time.monotonic() - said_at >= CARD_REMINDER_S:
                    self.journey.say("say_take_card")
                    spoken = time.monotonic()
                Clock.schedule_once(lambda _dt: current == self.journey_id and self._remind_card(since, spoken), 0.5)
                return
            screen.card_taken()
            self._return_home = Clock.schedule_once(lambda _dt: self.next_citizen(),
                                                    max(3.0, self.done_return_s - elapsed))

        self._work(self.journey.card_left, seen, lambda exc: seen(False))

    def start_check_in(self) -> None:
        self.start_scan("check_in")

    def start_scan(self, purpose: str) -> None:
        self.go("check_in", purpose=purpose)
        self.journey.say("say_scan")
        current = self.journey_id

        def scan() -> Any:
            code = self.journey.scan_code(self.scan_timeout_s, stop=lambda: current != self.journey_id)
            if code is None:
                return None
            if purpose == "pickup":
                return self.journey.pick_up(qr=code)
            return self.journey.check_in(code) if purpose == "check_in" else self.journey.status_text(code)

        def done(result: Any) -> None:
            if result is None:
                self.go("message", message=t("scan_nothing"), walk_in=purpose == "check_in")
            elif isinstance(result, TicketOutcome):
                self.go("done", outcome=result)
                self._return_home = Clock.schedule_once(lambda _dt: self.next_citizen(), self.done_return_s)
            else:
                self.go("message", message=result)

        def failed(exc: Exception) -> None:
            message = exc.chinese if isinstance(exc, Refused) else t("caller_unreachable") if isinstance(
                exc, CallerUnavailable) else t("scan_nothing")
            self.go("message", message=message, walk_in=purpose == "check_in")

        self._work(scan, done, failed)

    def choose_slot(self, category: str) -> None:
        day = (self.home_view.hall or {}).get("next_issuing_day") if self.home_view else None

        def done(slots: list) -> None:
            self.go("slots", category=category, day=day, slots=slots)

        self._work(lambda: self.journey.client.slots(category, day), done,
                   lambda exc: self.go("message", message=getattr(exc, "chinese", t("caller_unreachable"))))

    def book(self, category: str, slot_start: str) -> None:
        """A slot chosen: booking is real-name, so the card (or a typed number) comes next."""
        self.ask_for_card(category, "book", slot_start)

    def _book(self, category: str, slot_start: str, *, card: Any = None, typed_id: str | None = None) -> None:
        import datetime as dt

        import segno

        def booked(answer: dict) -> None:
            start = dt.datetime.fromisoformat(answer["slot_start"])
            end = dt.datetime.fromisoformat(answer["slot_end"])
            self.work_dir.mkdir(parents=True, exist_ok=True)
            path = self.work_dir / f"booking-{answer['id']}.png"  # a new name: Kivy caches images by path
            segno.make_qr(answer["code"], error="m").save(str(path), scale=12, border=2)
            message = t("booked", category=answer["category_name"], day=f"{start:%m月%d日}", start=f"{start:%H:%M}",
                        end=f"{end:%H:%M}")
            if answer.get("printed"):
                message += "\n" + t("booking_printed")
            self.go("booked", message=message, qr_png=str(path))

        def failed(exc: Exception) -> None:
            if isinstance(exc, Refused) and exc.code == "invalid_id_number" and typed_id is not None:
                self.go("typed_id", category=category, purpose="book", slot=slot_start, error=t("id_invalid"),
                        digits=typed_id)
                return
            self.go("message", message=getattr(exc, "chinese", t("caller_unreachable")))

        self._work(lambda: self.journey.book(category, slot_start, card=card, typed_id=typed_id), booked, failed)
