"""The hall described in `config/hall.toml`: its typed model, loading and validation."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import urllib.parse
import zoneinfo
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from caller.engine.addresses import is_loopback_host
from caller.engine.tidal import TidalRule
from caller.hall_problems import ALL_CATEGORIES, ConfigProblem, semantic_problems, zh_of_error

_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_CATEGORY_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
PRINTER_URL = r"^(tcp|serial|usb|file|dummy)://\S*$"  # a slip printer, as the kiosk opens it (kiosk/hardware/printer.py)


class WindowKind(StrEnum):
    COMPREHENSIVE = "comprehensive"
    HIGH_FREQUENCY = "high-frequency"
    SPECIALISED = "specialised"
    TIDAL = "tidal"
    SEASONAL = "seasonal"
    HELP = "help"
    CONSULTING = "consulting"
    ISSUING = "issuing"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HallInfo(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")
    name: str = Field(min_length=1, max_length=64)
    timezone: str = "Asia/Shanghai"
    # where phones reach the public pages (the slip's QR, the status and rating page): the hall's public entry,
    # e.g. the shipped public nginx site (config/nginx/onewindow-public.conf); never this machine's loopback
    public_url: str | None = Field(default=None, max_length=200)

    @field_validator("public_url")
    @classmethod
    def _reachable(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parsed = urllib.parse.urlsplit(value)
        if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.query or parsed.fragment:
            raise ValueError(f"public_url {value!r}: an http(s) address without query or fragment")
        if is_loopback_host(parsed.hostname):
            raise ValueError(f"public_url {value!r} is this machine's loopback: phones cannot reach it")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class Hours(_Strict):
    days: list[int] = Field(default=[1, 2, 3, 4, 5])
    open: dt.time
    close: dt.time
    issue_from: dt.time
    issue_until: dt.time
    lunch_start: dt.time | None = None
    lunch_end: dt.time | None = None
    staggered_lunch: bool = True
    lunch_break_minutes: int = Field(default=60, ge=0, le=180)  # each window's break within the lunch period
    closed_dates: list[dt.date] = Field(default_factory=list)
    open_dates: list[dt.date] = Field(default_factory=list)

    @field_validator("days")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        bad = [d for d in value if not 1 <= d <= 7]
        if bad:
            raise ValueError(f"weekdays are 1 (Monday) to 7 (Sunday), got {bad}")
        return value


class SelfService(_Strict):
    enabled: bool = True
    name: str = "24小时自助服务区"
    notice: str = ""


class QueueRules(_Strict):
    recalls_before_no_show: int = Field(default=2, ge=0, le=10)
    no_show_return_minutes: int = Field(default=30, ge=0, le=480)
    # 自动叫号: the caller itself calls a waiting ticket to an open, idle window (least flexible, longest idle
    # first) whenever one is free, instead of waiting for the counter's 叫号
    auto_call: bool = False
    # the calling rule (caller/engine/policy.py): once a ticket has waited this long, the oldest goes first and
    # head starts wait (0 = head starts always count); a window gives tickets that no narrower window can
    # take this many minutes more (0 = off)
    oldest_first_after_minutes: float = Field(default=12, ge=0, le=240)
    exclusive_bonus_minutes: float = Field(default=2, ge=0, le=60)
    # a citizen identified by ID number holds at most one live ticket per category; a second is refused with
    # the first one's number (it stops a card left on the reader, or a second tap, from taking more)
    one_live_ticket_per_id: bool = True


class AppointmentRules(_Strict):
    """预约: bookable slots per category, and when a booking may be checked in at the kiosk."""

    slot_minutes: int = Field(default=30, ge=5, le=240)
    per_slot: int = Field(default=3, ge=0, le=100)  # bookings per category and slot; 0 = no booking
    early_minutes: int = Field(default=30, ge=0, le=240)  # check-in opens this long before the slot
    late_minutes: int = Field(default=15, ge=0, le=240)  # and closes this long after the slot ends
    days_ahead: int = Field(default=7, ge=0, le=60)  # how far ahead a slot may be booked
    # booking is real-name (an ID number or a mobile number): a citizen holds at most this many bookings not yet
    # used, one per matter; a device or integrator token books at most this many an hour (slot snatching)
    per_citizen: int = Field(default=2, ge=1, le=20)
    per_source_per_hour: int = Field(default=60, ge=1, le=10000)
    # no-shows: a citizen who let this many bookings lapse within `missed_days` may not book for `blocked_days`
    missed_limit: int = Field(default=3, ge=0, le=20)  # 0: no such rule
    missed_days: int = Field(default=30, ge=1, le=365)
    blocked_days: int = Field(default=30, ge=1, le=365)


class DeskRules(_Strict):
    """The 咨询台 / 导服 desk: the green-channel reasons it records when it issues, and the notices it receives."""

    green_reasons: list[str] = Field(default=["残疾人", "孕妇", "军人", "老年人"], min_length=1, max_length=12)
    help_escalate_minutes: float = Field(default=3, gt=0, le=60)  # a help request nobody took goes to the manager
    device_offline_seconds: int = Field(default=90, ge=30, le=3600)  # a kiosk or board silent this long: offline
    printer: str | None = Field(default=None, max_length=200, pattern=PRINTER_URL)  # the desk's slip printer

    @field_validator("green_reasons")
    @classmethod
    def _short_reasons(cls, reasons: list[str]) -> list[str]:
        if any(not 1 <= len(reason) <= 16 for reason in reasons) or len(set(reasons)) != len(reasons):
            raise ValueError("green-channel reasons are 1-16 characters each, none twice")
        return reasons


class ReportRules(_Strict):
    """The manager's figures: a wait over this counts against the hall (the share over it is reported)."""

    wait_threshold_minutes: float = Field(default=20, gt=0, le=240)


class CaseRules(_Strict):
    """办件 after the ticket: a case this many working days from its promised day is near its limit (超时提醒)."""

    warn_working_days: int = Field(default=1, ge=0, le=30)
    # 统一出件: the category of pick-up tickets (served by the issuing window); none: results are not picked up here
    pickup_category: str | None = Field(default=None, max_length=32)
    # complaints (找茬) and the 整改 of a bad rating are answered within this many working days
    followup_working_days: int = Field(default=5, ge=1, le=60)


class RemoteRule(_Strict):
    """远程取号 for one matter: how many numbers taken from the phone may wait at once, and until when."""

    max_waiting: int = Field(default=10, ge=1, le=500)  # remote numbers of the matter not yet called
    until: dt.time | None = None  # the latest time a number may be taken from the phone; none: the issuing end


class PhoneRules(_Strict):
    """The citizen's phone: its page (and a text message, for a number taken from the phone) reminds when this
    many are ahead, and when called; 远程取号 per matter, with the grace a reached number waits for its citizen."""

    remind_ahead: int = Field(default=3, ge=0, le=20)  # 0: no reminder before the call
    remote: dict[str, RemoteRule] = Field(default_factory=dict)  # matters a number may be taken for from the phone
    arrival_grace_minutes: float = Field(default=5, ge=0, le=60)
    sms_per_phone_hour: int = Field(default=6, ge=1, le=60)  # reminders to one mobile number, at most

    @property
    def arrival_grace(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.arrival_grace_minutes)


class TidalConfig(_Strict):
    """When the caller advises opening and closing tidal windows, and whether it does so itself."""

    open_above_minutes: float = Field(default=12, gt=0, le=240)
    close_below_minutes: float = Field(default=4, ge=0, le=240)
    close_after_minutes: float = Field(default=10, ge=0, le=240)
    automatic: bool = False  # open/close the window itself instead of only advising the counter

    def rule(self) -> TidalRule:
        return TidalRule(self.open_above_minutes * 60, self.close_below_minutes * 60, self.close_after_minutes * 60)


class PriorityClass(_Strict):
    name: str
    head_start_minutes: float = Field(ge=0, le=240)


class Guide(_Strict):
    conditions: str = ""
    materials: list[str] = Field(default_factory=list)
    time_limit: str = ""
    fees: str = ""
    hotline: str = ""


class Category(_Strict):
    id: str
    name: str = Field(min_length=1, max_length=16)
    prefix: str = Field(pattern=r"^[A-Z]$")
    service_minutes: float = Field(gt=0, le=240)
    needs_id_card: bool = False
    # a window serving ["*"] does not take it: only windows that name it do (代办 at the 帮办代办 window)
    only_listed: bool = False
    guide: Guide = Field(default_factory=Guide)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _CATEGORY_ID.match(value):
            raise ValueError("category ids are lower-case letters, digits, '-' or '_' (at most 32)")
        return value


class Season(_Strict):
    from_: str = Field(alias="from")
    to: str

    @field_validator("from_", "to")
    @classmethod
    def _month_day(cls, value: str) -> str:
        if not _MONTH_DAY.match(value):
            raise ValueError(f"a season date is 'MM-DD', got {value!r}")
        return value

    def contains(self, day: dt.date) -> bool:
        md = day.strftime("%m-%d")
        if self.from_ <= self.to:
            return self.from_ <= md <= self.to
        return md >= self.from_ or md <= self.to  # wraps over new year


class WindowSpec(_Strict):
    number: int = Field(ge=1, le=999)
    name: str = Field(min_length=1, max_length=32)
    kind: WindowKind
    serves: list[str]
    seasons: list[Season] = Field(default_factory=list)
    printer: str | None = Field(default=None, max_length=200, pattern=PRINTER_URL)  # the window's own slip printer


class Hall(_Strict):
    hall: HallInfo
    hours: Hours
    self_service: SelfService = Field(default_factory=SelfService)
    queue: QueueRules = Field(default_factory=QueueRules)
    tidal: TidalConfig = Field(default_factory=TidalConfig)
    appointments: AppointmentRules = Field(default_factory=AppointmentRules)
    desk: DeskRules = Field(default_factory=DeskRules)
    reports: ReportRules = Field(default_factory=ReportRules)
    cases: CaseRules = Field(default_factory=CaseRules)
    phone: PhoneRules = Field(default_factory=PhoneRules)
    priorities: dict[str, PriorityClass]
    categories: list[Category]
    windows: list[WindowSpec]
    _reach_cache: dict[dt.date, dict[str, int]] = PrivateAttr(default_factory=dict)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.hall.timezone)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def window(self, number: int) -> WindowSpec | None:
        return next((w for w in self.windows if w.number == number), None)

    def serves(self, window: WindowSpec) -> frozenset[str]:
        """The category ids a window takes tickets for."""
        named = frozenset(c for c in window.serves if c != ALL_CATEGORIES)
        if ALL_CATEGORIES in window.serves:
            return named | frozenset(c.id for c in self.categories if not c.only_listed)
        return named

    def narrowest_reach(self, day: dt.date) -> dict[str, int]:
        """Per category, the fewest categories served by a window that serves it and is in season on `day`."""
        cached = self._reach_cache.get(day)
        if cached is None:
            cached = {}
            for window in self.windows:
                if not self.window_in_season(window, day):
                    continue
                serves = self.serves(window)
                for category in serves:
                    cached[category] = min(cached.get(category, len(serves)), len(serves))
            self._reach_cache = {day: cached}
        return cached

    def head_start(self, priority: str) -> dt.timedelta:
        cls = self.priorities.get(priority)
        return dt.timedelta(minutes=cls.head_start_minutes if cls else 0)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)

    def service_day(self, moment: dt.datetime) -> dt.date:
        """The hall's business day of a moment: numbering restarts at local midnight."""
        return self.local(moment).date()

    def day_start(self, day: dt.date) -> dt.datetime:
        """The moment a service day begins: local midnight."""
        return dt.datetime.combine(day, dt.time(0), self.zone)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.hours.open_dates:
            return True
        if day in self.hours.closed_dates:
            return False
        return day.isoweekday() in self.hours.days

    def is_issuing(self, moment: dt.datetime) -> bool:
        """Whether staffed tickets may be issued at this moment."""
        local = self.local(moment)
        if not self.is_working_day(local.date()):
            return False
        return self.hours.issue_from <= local.time() < self.hours.issue_until

    def slots(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The appointment slots of a day (none on a closed day): from issue_from, each slot_minutes long,
        the last ending by issue_until."""
        if not self.is_working_day(day):
            return []
        length = dt.timedelta(minutes=self.appointments.slot_minutes)
        start = dt.datetime.combine(day, self.hours.issue_from, self.zone)
        until = dt.datetime.combine(day, self.hours.issue_until, self.zone)
        slots = []
        while start + length <= until:
            slots.append((start, start + length))
            start += length
        return slots

    def next_issuing_day(self, moment: dt.datetime, horizon: int = 30) -> dt.date | None:
        """The day tickets are next issued: today if issuing has not ended yet, else the next working day
        within `horizon` days."""
        local = self.local(moment)
        today = local.date()
        if self.is_working_day(today) and local.time() < self.hours.issue_until:
            return today
        for offset in range(1, horizon + 1):
            day = today + dt.timedelta(days=offset)
            if self.is_working_day(day):
                return day
        return None

    def window_in_season(self, window: WindowSpec, day: dt.date) -> bool:
        if window.kind is not WindowKind.SEASONAL:
            return True
        return any(season.contains(day) for season in window.seasons)


class HallConfigError(Exception):
    """A hall file that cannot be used; `problems` lists every one found."""

    def __init__(self, source: str, problems: list[ConfigProblem]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")


def _key(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """Turn a pydantic location into a readable key, e.g. windows[3].serves (window 4)."""
    parts: list[str] = []
    node: Any = raw
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
            node = node[item] if isinstance(node, list) and item < len(node) else None
        else:
            parts.append("from" if item == "from_" else str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts)


def parse_hall(raw: dict[str, Any], source: str = "<hall>") -> Hall:
    """Validate a parsed hall file, raising HallConfigError with every problem found."""
    problems: list[ConfigProblem] = []
    hall: Hall | None = None
    try:
        hall = Hall.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(ConfigProblem(_key(err["loc"], raw) or "<file>", err["msg"], zh_of_error(err)))
    problems.extend(semantic_problems(raw))
    if problems or hall is None:
        # keep the order stable and drop exact repeats
        unique = list(dict.fromkeys(problems))
        raise HallConfigError(source, unique)
    return hall


def load_hall(path: str | Path) -> Hall:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise HallConfigError(str(path), [ConfigProblem("<file>", f"cannot read: {exc.strerror}")]) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HallConfigError(str(path), [ConfigProblem("<file>", f"not valid TOML: {exc}")]) from exc
    return parse_hall(raw, str(path))
