"""What the desk may issue, pure: the kinds of desk ticket and the priority and recorded reason each gives."""

from __future__ import annotations

from dataclasses import dataclass

from caller.engine.model import Priority

LATE_BOOKING = "预约补签"  # a booking the kiosk refused (too early, too late): the desk honours it


class DeskRefusal(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class DeskIssue:
    priority: Priority
    reason: str | None  # recorded with the ticket (never streamed)


def desk_issue(kind: str, reason: str | None, green_reasons: list[str]) -> DeskIssue:
    """`normal`; `green` with one of the hall's green-channel reasons (残疾人, 孕妇, 军人, 老年人 …); `appointment`,
    a booking the kiosk refused."""
    if kind == "normal":
        return DeskIssue(Priority.NORMAL, None)
    if kind == "appointment":
        return DeskIssue(Priority.APPOINTMENT, LATE_BOOKING)
    if kind == "green":
        if reason not in green_reasons:
            raise DeskRefusal("unknown_green_reason", "请选择绿色通道原因：" + "、".join(green_reasons)
                              + " / pick one of the hall's green-channel reasons")
        return DeskIssue(Priority.GREEN, reason)
    raise DeskRefusal("unknown_kind", "取号类型只能是 normal / green / appointment / unknown kind")
