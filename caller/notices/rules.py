"""The rules of notices, pure: what a device may report, which notices a report opens and clears, when a device
counts as offline and when a help request nobody took goes to the manager. Time is passed in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class NoticeKind(StrEnum):
    HELP = "help"  # 帮办代办: a kiosk's help button; a task someone takes and finishes
    DEVICE = "device"  # a kiosk or board reporting a fault; it clears by itself when the device recovers


HELP = "help"  # the condition of a help request
OFFLINE = "offline"  # the caller has not heard from the device for the hall's offline time

# what devices report, and how the desk names it
DEVICE_CONDITIONS = {
    "paper-low": "纸将用完",
    "paper-out": "缺纸",
    "printer-failed": "打印机故障",
    "reader-failed": "读卡器故障",
    "camera-failed": "扫码摄像头故障",
    "announcer-failed": "语音播报故障",
    OFFLINE: "离线",
}
REPORTABLE = frozenset(DEVICE_CONDITIONS) - {OFFLINE}  # offline is the caller's conclusion, never a report
CONDITION_NAMES = {**DEVICE_CONDITIONS, HELP: "帮办代办请求"}


class NoticeRuleError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def checked_conditions(reported: list[str]) -> frozenset[str]:
    unknown = sorted(set(reported) - REPORTABLE)
    if unknown:
        raise NoticeRuleError("unknown_condition", f"未知的设备状态 {unknown[0]} / unknown condition; one of "
                              + ", ".join(sorted(REPORTABLE)))
    conditions = frozenset(reported)
    if {"paper-low", "paper-out"} <= conditions:
        conditions -= {"paper-low"}  # out says more than low
    return conditions


@dataclass(frozen=True)
class Change:
    """What one report does to a device's open notices."""

    raise_: frozenset[str]
    clear: frozenset[str]


def after_report(open_conditions: frozenset[str], reported: frozenset[str]) -> Change:
    """A report is also a heartbeat: conditions it names that are not open yet are raised; open ones it no longer
    names, offline among them, have cleared."""
    return Change(raise_=reported - open_conditions, clear=open_conditions - reported)


def is_offline(last_seen: dt.datetime, now: dt.datetime, after: dt.timedelta) -> bool:
    return now - last_seen > after


def escalates(raised_at: dt.datetime, acknowledged: bool, escalated: bool, now: dt.datetime,
              after: dt.timedelta) -> bool:
    """A help request nobody acknowledged within `after` goes to the manager, once."""
    return not acknowledged and not escalated and now - raised_at >= after
