"""What the kiosk does for a citizen, without any widget: take a number (ID card, green channel, print,
speak), check in an appointment, book one, look up a status. The Kivy screens call these from a worker
thread and show the outcome; tests call them directly against a real caller and simulated devices."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import urllib.parse
from dataclasses import dataclass, field, replace
from enum import StrEnum

from caller.engine.addresses import is_loopback_host
from caller.engine.identity import age_on, birth_date, is_valid_id_number, mask_id_number, mask_name
from kiosk.caller_clock import CallerClock
from kiosk.client import CallerClient, CallerUnavailable, Refused, new_key
from kiosk.device_health import DeviceHealth, printer_condition
from kiosk.hardware.card_reader import CardReader, CardReadError, ReadFailure
from kiosk.hardware.printer import Printer, PrintError
from kiosk.hardware.sam_protocol import IdentityCard
from kiosk.hardware.speech import Speaker, spoken_number
from kiosk.hardware.ticket_slip import BookingSlip, Slip, render, render_booking
from kiosk.strings import t

log = logging.getLogger(__name__)


class Mode(StrEnum):
    DAY = "day"  # tickets are issued
    NIGHT = "night"  # outside issuing hours: the 24-hour zone's self-service functions
    OUT_OF_SERVICE = "out-of-service"  # the caller cannot be reached, or the printer cannot print


@dataclass
class Devices:
    printer: Printer | None = None
    card_reader: CardReader | None = None
    scanner: object | None = None  # kiosk.hardware.camera.QrScanner; opened lazily (cv2 is slow to import)
    speaker: Speaker | None = None
    simulated: bool = False


@dataclass(frozen=True)
class CategoryChoice:
    id: str
    name: str
    waiting: int
    estimated_wait_s: int | None
    needs_id_card: bool
    guide: dict
    served_now: bool = True  # an open window serves it; if not, the kiosk says so instead of a wait


@dataclass(frozen=True)
class HomeView:
    mode: Mode
    hall_name: str
    categories: list[CategoryChoice] = field(default_factory=list)
    message: str = ""
    hall: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TicketOutcome:
    number: str
    ticket_id: str
    category_name: str
    ahead: int | None
    estimated_wait_min: int | None
    printed: bool
    message: str  # what the screen says under the number
    green: bool = False
    served_now: bool = True  # false: no open window serves it yet (the screen and slip say so, no wait)


class CardLeftOn(Exception):
    """A card already lay on the reader when this journey asked for one: someone else's, left behind, or the
    citizen's own from before. It counts only once lifted and placed again."""

    def __init__(self, card: IdentityCard):
        super().__init__("a card was left on the reader")
        self.masked_name = mask_name(card.name)


def wait_minutes(seconds: int | None) -> int | None:
    return None if seconds is None else max(1, round(seconds / 60))


class Journey:
    """One kiosk's dealings with the caller and its devices."""

    def __init__(self, client: CallerClient, devices: Devices, *, green_age: int = 70, paper_mm: int = 80,
                 public_url: str | None = None, clock: CallerClock | None = None):
        self.client = client
        self.devices = devices
        self.green_age = green_age
        self.paper_mm = paper_mm
        self.public_url = public_url.rstrip("/") if public_url else None  # else the hall file's (GET /hall)
        self.clock = clock or CallerClock()  # the caller's time in the hall's zone, told by GET /api/v1/hall
        self.hall: dict = {}
        self.categories: dict[str, CategoryChoice] = {}
        self._reader_emptied = False  # seen empty since this journey asked for a card
        self.health = DeviceHealth()  # what the devices last showed: reported to the 咨询台 (kiosk.device_health)
        self.devices_lock = threading.RLock()  # one talker per device: the citizen's journey or the health check

    # ---- home
    def home(self) -> HomeView:
        try:
            sent = time.monotonic()
            self.hall = self.client.hall()
            self.clock.set_zone(self.hall.get("timezone"))
            self.clock.tell(self.hall["now"], round_trip_started=sent)
            self.categories = {
                c["id"]: CategoryChoice(c["id"], c["name"], c["waiting"], c["estimated_wait_s"], c["needs_id_card"],
                                        c["guide"], c.get("served_now", True))
                for c in self.client.categories()
            }
        except (CallerUnavailable, Refused) as exc:
            log.warning("caller unreachable: %s", exc)
            return HomeView(Mode.OUT_OF_SERVICE, self.hall.get("name", ""), message=t("caller_unreachable"))
        printer_problem = self.printer_problem()
        if printer_problem:
            return HomeView(Mode.OUT_OF_SERVICE, self.hall["name"], list(self.categories.values()), printer_problem,
                            self.hall)
        mode = Mode.DAY if self.hall["issuing_now"] else Mode.NIGHT
        return HomeView(mode, self.hall["name"], list(self.categories.values()), hall=self.hall)

    def printer_problem(self) -> str:
        printer = self.devices.printer
        if printer is None:
            return ""
        try:
            with self.devices_lock:
                status = printer.status()
        except PrintError as exc:
            self.health.set("printer", printer_condition(exc.fault.value))
            return t("printer_fault", fault=t(f"fault_{exc.fault.value}"))
        self.health.set("printer", printer_condition(status.fault.value if status.fault else None, status.paper_low))
        return t("printer_fault", fault=t(f"fault_{status.fault.value}")) if status.fault else ""

    def check_devices(self) -> list[str]:
        """The conditions to report: the printer's status and the reader asked now, unless the citizen's journey is
        using them (then what they last showed); the camera as its last scan found it."""
        if self.devices_lock.acquire(blocking=False):
            try:
                self.printer_problem()
                if self.devices.card_reader is not None:
                    self._reader_seen(self.devices.card_reader.card_present)
            except CardReadError:
                pass  # _reader_seen noted it
            finally:
                self.devices_lock.release()
        return self.health.conditions()

    def _reader_seen(self, call):  # noqa: ANN001, ANN202
        """Run a reader call and note whether the reader answers: a port gone or no answer is reader-failed."""
        try:
            result = call()
        except CardReadError as exc:
            failed = exc.failure in (ReadFailure.DISCONNECTED, ReadFailure.TIMEOUT)
            self.health.set("reader", "reader-failed" if failed else None)
            raise
        self.health.set("reader", None)
        return result

    # ---- the ID card
    def ask_for_card(self) -> None:
        """A journey starts asking for a card: a card lying on the reader now counts only once it was lifted."""
        self._reader_emptied = False

    def poll_card(self) -> IdentityCard:
        """One attempt at the card placed in this journey. Raises CardLeftOn for a card that was there before the
        reader was seen empty, and CardReadError as read_card does."""
        try:
            card = self.read_card()
        except CardReadError as exc:
            if exc.failure is ReadFailure.NO_CARD:
                self._reader_emptied = True
            raise
        if not self._reader_emptied:
            raise CardLeftOn(card)
        return card

    def card_left(self) -> bool:
        """Whether a card still lies on the reader (after a ticket: remind the citizen to take it)."""
        reader = self.devices.card_reader
        if reader is None:
            return False
        try:
            with self.devices_lock:
                return self._reader_seen(reader.card_present)
        except CardReadError:
            return False

    def read_card(self) -> IdentityCard:
        """One attempt; raises kiosk.hardware.card_reader.CardReadError (no card yet, failed, no reader)."""
        if self.devices.card_reader is None:
            raise CardReadError(ReadFailure.DISCONNECTED, "no card reader configured")
        with self.devices_lock:
            return self._reader_seen(self.devices.card_reader.read_card)

    def is_green(self, card: IdentityCard | None, typed_id: str | None) -> int | None:
        """The citizen's age if the age rule gives the green channel, else None."""
        if card is not None:
            birth = card.birth
        elif typed_id and is_valid_id_number(typed_id, self.clock.now().date()):
            birth = birth_date(typed_id)
        else:
            return None
        age = age_on(birth, self.clock.now().date())
        return age if self.green_age and age >= self.green_age else None

    # ---- taking a number
    def take_number(self, category: str, *, card: IdentityCard | None = None, typed_id: str | None = None,
                    key: str | None = None, priority: str | None = None) -> TicketOutcome:
        """Issue, print, report the receipt, speak. Raises CallerUnavailable (retry with the same `key`: the
        caller returns the same ticket) or Refused. A printer failure is not an exception: the ticket is in
        the queue, marked unprinted, and the outcome says so."""
        if typed_id is not None and not is_valid_id_number(typed_id, self.clock.now().date()):
            raise Refused(422, "invalid_id_number", t("id_invalid"))
        age = self.is_green(card, typed_id)
        chosen = priority or ("green" if age else "normal")
        ticket = self.client.issue(
            category, chosen,
            name=card.name if card else None,
            id_number=card.id_number if card else typed_id,
            key=key or new_key(),
        )
        return self._deliver(ticket, card, green_age=age)

    def _deliver(self, ticket: dict, card: IdentityCard | None, green_age: int | None = None) -> TicketOutcome:
        choice = self.categories.get(ticket["category"])
        minutes = wait_minutes(ticket.get("estimated_wait_s"))
        printed = self._print(ticket, choice, card, minutes)
        try:
            self.client.report_receipt(ticket["id"], printed)
        except (CallerUnavailable, Refused) as exc:  # the ticket is issued; the report is best effort
            log.warning("receipt report failed: %s", exc)
        spoken = spoken_number(ticket["number"])
        if printed:
            message = t("take_slip")
            self._say(t("say_done", number=spoken, ahead=ticket.get("ahead") or 0))
        else:
            message = t("unprinted")
            self._say(t("say_unprinted", number=spoken))
        if green_age:
            message = t("green_channel", age=green_age) + "\n" + message
        return TicketOutcome(ticket["number"], ticket["id"], ticket.get("category_name", ticket["category"]),
                             ticket.get("ahead"), minutes, printed, message, green=bool(green_age),
                             served_now=ticket.get("served_now") is not False)

    def _print(self, ticket: dict, choice: CategoryChoice | None, card: IdentityCard | None, minutes: int | None) -> bool:
        printer = self.devices.printer
        if printer is None:
            return False
        issued = dt.datetime.fromisoformat(ticket["issued_at"])
        priority_names = {"green": "绿色通道", "appointment": "预约"}
        base = self.phone_base()
        slip = Slip(
            hall_name=self.hall.get("name", ""),
            number=ticket["number"],
            category_name=ticket.get("category_name", ticket["category"]),
            issued_at=issued.astimezone(self.clock.now().tzinfo),
            ahead=ticket.get("ahead"),
            estimated_wait_min=minutes,
            materials=tuple(choice.guide.get("materials", ())) if choice else (),
            # the phone page: status, then rating; the code rides in the fragment, which no server or log sees
            status_url=f"{base}/t#{ticket['phone_code']}" if base else None,
            masked_name=mask_name(card.name) if card else None,
            priority_name=priority_names.get(ticket.get("priority", "")),
            served_now=ticket.get("served_now") is not False,
        )
        return self._print_bytes(render(slip, self.paper_mm), f"slip {ticket['number']}")

    def _print_bytes(self, data: bytes, what: str) -> bool:
        printer = self.devices.printer
        if printer is None:
            return False
        try:
            with self.devices_lock:
                after = printer.print_slip(data)
        except PrintError as exc:
            log.warning("%s not printed: %s", what, exc)
            self.health.set("printer", printer_condition(exc.fault.value))
            return False
        self.health.set("printer", printer_condition(None, after.paper_low))
        return True

    def phone_base(self) -> str | None:
        """Where the slip's QR code sends a phone: this kiosk's setting, else the hall's public address; in demo mode
        the caller itself. Never a loopback address outside demo mode: a phone cannot reach it (no QR then)."""
        base = self.public_url or self.hall.get("public_url") or (self.client.base if self.hall.get("demo") else None)
        if base and not self.hall.get("demo") and is_loopback_host(urllib.parse.urlsplit(base).hostname or ""):
            log.warning("the slip's QR code would point at this machine (%s): printed without it", base)
            return None
        return base

    # ---- 统一出件
    def pick_up(self, *, code: str | None = None, qr: str | None = None,
                card: IdentityCard | None = None) -> TicketOutcome:
        """A pick-up ticket by the notice's code, the phone page's case QR or the ID card; printed and spoken like
        any ticket. Raises Refused (nothing ready: its message is for the citizen) or CallerUnavailable."""
        if qr is not None and not qr.startswith("OWPICKUP:"):
            raise Refused(422, "not_a_case_qr", t("pickup_not_case_qr"))
        answer = self.client.pick_up(code=code, qr=qr, id_number=card.id_number if card else None)
        outcome = self._deliver(answer["ticket"], card)
        cases = "、".join(c["case_no"] for c in answer["cases"])
        return replace(outcome, message=t("pickup_cases", cases=cases) + "\n" + outcome.message)

    # ---- appointments
    def check_in(self, code: str) -> TicketOutcome:
        """A booking's QR checks it in; a remote number's arrival QR (the phone page's) confirms its citizen is here.
        Either prints the slip. Raises Refused (too early, too late, used, forged: its message is for the citizen)
        or CallerUnavailable."""
        if code.startswith("OWARRIVE:"):
            ticket = self.client.arrive(code)
            outcome = self._deliver(ticket, None)
            return replace(outcome, message=t("arrived") + "\n" + outcome.message)
        answer = self.client.check_in(code)
        return self._deliver(answer["ticket"], None)

    def scan_code(self, timeout_s: float, stop=None) -> str | None:  # noqa: ANN001
        from kiosk.hardware.camera import CameraError  # cv2 is slow to import: only once a scan is asked for

        scanner = self.devices.scanner
        if scanner is None:
            return None
        try:
            text = scanner.scan(timeout_s, stop)
        except CameraError:
            self.health.set("camera", "camera-failed")
            raise
        self.health.set("camera", None)
        return text

    def book(self, category: str, slot_start: str, *, card: IdentityCard | None = None,
             typed_id: str | None = None) -> dict:
        """Book real-name (the card's or a typed ID number) and print the 预约凭证 with its QR code; the answer
        carries `printed`. Raises Refused (invalid number, limits, full) or CallerUnavailable."""
        id_number = card.id_number if card else (typed_id or "")
        if not is_valid_id_number(id_number, self.clock.now().date()):
            raise Refused(422, "invalid_id_number", t("id_invalid"))
        answer = self.client.book(category, slot_start, id_number)
        choice = self.categories.get(category)
        slip = BookingSlip(self.hall.get("name", ""), answer["category_name"],
                           dt.datetime.fromisoformat(answer["slot_start"]), dt.datetime.fromisoformat(answer["slot_end"]),
                           answer["code"], mask_id_number(id_number),
                           tuple(choice.guide.get("materials", ())) if choice else ())
        return {**answer, "printed": self._print_bytes(render_booking(slip, self.paper_mm), "booking slip")}

    def status_text(self, code: str) -> str:
        """What a scanned code says in the 24-hour zone: a booking's status, or a ticket's."""
        try:
            booking = self.client.appointment(code)
            labels = {"booked": "已预约", "checked-in": "已签到", "cancelled": "已取消"}
            start = dt.datetime.fromisoformat(booking["slot_start"])
            return t("appointment_status", category=booking["category_name"], start=f"{start:%m月%d日 %H:%M}",
                     status=labels.get(booking["status"], booking["status"]))
        except Refused:
            pass
        ticket_id = code.rstrip("/").rsplit("/", 1)[-1]
        ticket = self.client.ticket(ticket_id)
        number, status = ticket["number"], ticket["status"]
        if status == "waiting":
            return t("status_waiting", number=number, ahead=ticket.get("ahead") or 0)
        if status in ("called", "serving"):
            return t("status_called", number=number, window=ticket.get("window"))
        if status == "done":
            return t("status_done", number=number)
        return t("status_other", number=number, status=status)

    # ---- help and voice
    def request_help(self) -> str:
        """帮办代办: what the kiosk says is what is true — who is coming, or that nobody is on duty and where to go."""
        answer = self.client.request_help()
        if not answer.get("on_duty"):
            text = t("help_off_duty")
        elif answer.get("helper"):
            text = t("help_coming", name=answer["helper"])
        else:
            text = t("help_sent")
        self._say(text, interrupt=True)
        return text

    def _say(self, text: str, interrupt: bool = False) -> None:
        if self.devices.speaker is not None:
            self.devices.speaker.say(text, interrupt=interrupt)

    def say(self, key: str, **values: object) -> None:
        self._say(t(key, **values), interrupt=True)
