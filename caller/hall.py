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
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from caller.engine.addresses import is_loopback_host
from caller.hall_problems import ALL_CATEGORIES, ConfigProblem, semantic_problems, zh_of_error
from caller.hall_rules import (  # the hall's rule sections
    PRINTER_URL,
    AppointmentRules,
    CaseRules,
    DeskRules,
    PhoneRules,
    QueueRules,
    ReportRules,
    SelfService,
    TidalConfig,
    _Strict,
)

_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_CATEGORY_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class WindowKind(StrEnum):
    COMPREHENSIVE = "comprehensive"
    HIGH_FREQUENCY = "high-frequency"
    SPECIALISED = "specialised"
    TIDAL = "tidal"
    SEASONAL = "seasonal"
    HELP = "help"
    CONSULTING = "consulting"
    ISSUING = "issuing"


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
