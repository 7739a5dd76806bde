"""The rules of a 好差评 rating: the five levels, the reason classes a low rating must name, and what a reason
needs. Pure: no database, no clock."""

from __future__ import annotations

from enum import IntEnum

from caller.engine.model import QueueError


class Invalid(QueueError):
    status = 422


class Level(IntEnum):
    VERY_SATISFIED = 5
    SATISFIED = 4
    BASICALLY_SATISFIED = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1


LEVEL_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
NEEDS_REASON = {Level.DISSATISFIED, Level.VERY_DISSATISFIED}

# The reason classes a citizen picks for 不满意 / 非常不满意, along the dimensions of GB/T 39735-2020 (政务服务
# 评价工作指南: attitude, efficiency, convenience, norms); "other" asks for a few words.
REASONS = {
    "attitude": "服务态度不好",
    "slow": "办事效率低、等候时间长",
    "not_told_at_once": "没有一次性告知，需要多次跑",
    "complicated": "办事流程繁琐、材料要求多",
    "unclear": "业务不熟练、解答不清楚",
    "irregular": "不按规定办理或收费",
    "other": "其他",
}
MAX_REASONS = len(REASONS)


def checked(level: int, reasons: list[str] | None, text: str | None) -> tuple[Level, tuple[str, ...], str | None]:
    """The level, the reason classes (in their listed order, no repeats) and the text, or Invalid."""
    try:
        level = Level(level)
    except ValueError:
        raise Invalid("invalid_level", "评价等级为 1（非常不满意）到 5（非常满意） / level is 1 to 5") from None
    picked = tuple(code for code in REASONS if code in set(reasons or ()))
    unknown = set(reasons or ()) - set(REASONS)
    if unknown:
        raise Invalid("unknown_reason", f"没有这样的评价原因：{', '.join(sorted(unknown))} / unknown reason class")
    text = (text or "").strip() or None
    if level in NEEDS_REASON and not picked and not text:
        raise Invalid("reason_required", "选择“不满意”或“非常不满意”时请选择原因 / pick a reason for a low rating")
    if "other" in picked and not text:
        raise Invalid("reason_text_required", "选择“其他”时请简单写明原因 / say in a few words what went wrong")
    return level, picked, text
