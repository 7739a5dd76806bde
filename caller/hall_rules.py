"""The hall file's rule sections ([self_service], [queue], [appointments], [desk], [reports], [cases], [phone],
[tidal]): each a strict, frozen model with its defaults. caller/hall.py assembles them into a Hall."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator

from caller.engine.tidal import TidalRule

PRINTER_URL = r"^(tcp|serial|usb|file|dummy)://\S*$"  # a slip printer, as the kiosk opens it (kiosk/hardware/printer.py)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
