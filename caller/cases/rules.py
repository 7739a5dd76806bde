"""The case (办件) after the ticket, pure: its kinds and states, which progress may follow which, the promised day by
the hall's working-day calendar (holidays and 调休 days count), and whether a case is on time, near its limit or
overdue. Time is passed in."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import StrEnum

from caller.engine.calendar import working_days_left


class CaseKind(StrEnum):
    IMMEDIATE = "immediate"  # 即办件: done at the window at once
    PROMISED = "promised"  # 承诺件: promised within N working days
    JOINT = "joint"  # 联办件: several departments, promised within N working days


class CaseState(StrEnum):
    RECEIVED = "received"  # 受理: the front window took it
    HANDED_OVER = "handed-over"  # 已交接: given to the back office (交接记录)
    ACCEPTED = "accepted"  # 部门已接收
    IN_APPROVAL = "in-approval"  # 审批中
    NEEDS_MATERIAL = "needs-material"  # 需补正材料: the citizen is told what to bring
    APPROVED = "approved"  # 已办结（准予）
    REJECTED = "rejected"  # 不予许可
    READY = "ready"  # 待领取: the result waits at the 统一出件 window
    PICKED_UP = "picked-up"  # 已领取
    MAILED = "mailed"  # 已邮寄
    FINISHED = "finished"  # 即办件 finished at the window


KIND_NAMES = {CaseKind.IMMEDIATE: "即办件", CaseKind.PROMISED: "承诺件", CaseKind.JOINT: "联办件"}
STATE_NAMES = {
    CaseState.RECEIVED: "已受理", CaseState.HANDED_OVER: "已交接", CaseState.ACCEPTED: "部门已接收",
    CaseState.IN_APPROVAL: "审批中", CaseState.NEEDS_MATERIAL: "需补正材料", CaseState.APPROVED: "已办结",
    CaseState.REJECTED: "不予许可", CaseState.READY: "待领取", CaseState.PICKED_UP: "已领取",
    CaseState.MAILED: "已邮寄", CaseState.FINISHED: "已办结（即办）",
}
CLOSED = frozenset({CaseState.PICKED_UP, CaseState.MAILED, CaseState.FINISHED})
# the clock stops once the department has decided: the time limit binds the approval, not the pick-up
DECIDED = frozenset({CaseState.APPROVED, CaseState.REJECTED, CaseState.READY}) | CLOSED

# what the back office may report after each state (the approval system's calls)
PROGRESS = {
    CaseState.HANDED_OVER: {CaseState.ACCEPTED, CaseState.IN_APPROVAL, CaseState.NEEDS_MATERIAL, CaseState.REJECTED},
    CaseState.ACCEPTED: {CaseState.IN_APPROVAL, CaseState.NEEDS_MATERIAL, CaseState.APPROVED, CaseState.REJECTED,
                         CaseState.READY},
    CaseState.IN_APPROVAL: {CaseState.NEEDS_MATERIAL, CaseState.APPROVED, CaseState.REJECTED, CaseState.READY},
    CaseState.NEEDS_MATERIAL: {CaseState.IN_APPROVAL, CaseState.REJECTED},
    CaseState.APPROVED: {CaseState.READY},
    CaseState.REJECTED: {CaseState.READY},  # the decision letter is picked up too
}
REPORTABLE = frozenset(s for targets in PROGRESS.values() for s in targets)
CASE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,39}$")


class CaseRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def next_state(current: CaseState, reported: CaseState) -> CaseState:
    """The state after the back office reports `reported`; the same report twice is no change (a webhook that
    retries); anything else out of order is refused."""
    if reported == current:
        return current
    if reported not in PROGRESS.get(current, set()):
        raise CaseRefused("invalid_transition", f"办件当前为“{STATE_NAMES[current]}”，不能变为“{STATE_NAMES[reported]}” / "
                                                f"cannot go from {current.value} to {reported.value}")
    return reported


def timing(state: CaseState, due: dt.date | None, today: dt.date, warn_days: int,
           is_working_day: Callable[[dt.date], bool]) -> str:
    """on_time, near (within `warn_days` working days of its limit), overdue (超时), or done (decided in time or
    not bound by a limit)."""
    if due is None or state in DECIDED:
        return "done"
    if today > due:
        return "overdue"
    return "near" if working_days_left(today, due, is_working_day) <= warn_days else "on_time"
