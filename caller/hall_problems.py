"""What a hall file's schema cannot say: cross-references (every category served, windows and prefixes once,
the priority classes there, hours in order), found all at once on the raw file, each with its key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

ALL_CATEGORIES = "*"
REQUIRED_PRIORITIES = ("normal", "appointment", "green", "transferred")


@dataclass(frozen=True)
class ConfigProblem:
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


def semantic_problems(raw: dict[str, Any]) -> list[ConfigProblem]:
    """Cross-references a schema cannot express; tolerant of badly typed input."""
    problems: list[ConfigProblem] = []
    categories = raw.get("categories") if isinstance(raw.get("categories"), list) else []
    windows = raw.get("windows") if isinstance(raw.get("windows"), list) else []

    if not categories:
        problems.append(ConfigProblem("categories", "at least one category is needed"))
    seen_ids: dict[str, int] = {}
    seen_prefixes: dict[str, int] = {}
    only_listed: set[str] = set()  # categories a ["*"] window does not take
    for i, cat in enumerate(categories):
        if not isinstance(cat, dict):
            continue
        cid, prefix = cat.get("id"), cat.get("prefix")
        if cat.get("only_listed") is True and isinstance(cid, str):
            only_listed.add(cid)
        if isinstance(cid, str):
            if cid in seen_ids:
                problems.append(ConfigProblem(f"categories[{i}].id", f"{cid!r} repeats categories[{seen_ids[cid]}]"))
            seen_ids.setdefault(cid, i)
        if isinstance(prefix, str):
            if prefix in seen_prefixes:
                problems.append(
                    ConfigProblem(f"categories[{i}].prefix", f"{prefix!r} repeats categories[{seen_prefixes[prefix]}]")
                )
            seen_prefixes.setdefault(prefix, i)

    if not windows:
        problems.append(ConfigProblem("windows", "at least one window is needed"))
    seen_numbers: dict[int, int] = {}
    served: set[str] = set()
    for i, win in enumerate(windows):
        if not isinstance(win, dict):
            continue
        number = win.get("number")
        if isinstance(number, int):
            if number in seen_numbers:
                problems.append(ConfigProblem(f"windows[{i}].number", f"{number} repeats windows[{seen_numbers[number]}]"))
            seen_numbers.setdefault(number, i)
        serves = win.get("serves")
        kind = win.get("kind")
        if isinstance(serves, list):
            for j, cid in enumerate(serves):
                if cid == ALL_CATEGORIES:
                    served.update(set(seen_ids) - only_listed)
                elif isinstance(cid, str) and cid not in seen_ids:
                    problems.append(ConfigProblem(f"windows[{i}].serves[{j}]", f"unknown category {cid!r}"))
                elif isinstance(cid, str):
                    served.add(cid)
            if not serves and kind not in ("help", None):
                problems.append(ConfigProblem(f"windows[{i}].serves", "only a help window may serve no category"))
        if kind == "seasonal" and not win.get("seasons"):
            problems.append(ConfigProblem(f"windows[{i}].seasons", "a seasonal window needs at least one season"))
        if kind != "seasonal" and win.get("seasons"):
            problems.append(ConfigProblem(f"windows[{i}].seasons", "only a seasonal window has seasons"))

    # every category must be reachable from a window that is normally open
    for cid, i in seen_ids.items():
        if cid not in served:
            problems.append(ConfigProblem(f"categories[{i}]", f"no window serves category {cid!r}"))

    priorities = raw.get("priorities") if isinstance(raw.get("priorities"), dict) else {}
    for name in REQUIRED_PRIORITIES:
        if name not in priorities:
            problems.append(ConfigProblem(f"priorities.{name}", "missing priority class"))
    for name in priorities:
        if name not in REQUIRED_PRIORITIES:
            problems.append(
                ConfigProblem(f"priorities.{name}", f"unknown priority class; use {', '.join(REQUIRED_PRIORITIES)}")
            )

    hours = raw.get("hours") if isinstance(raw.get("hours"), dict) else {}
    times = {k: _parse_time(hours.get(k)) for k in ("open", "close", "issue_from", "issue_until", "lunch_start", "lunch_end")}
    for earlier, later in (("open", "close"), ("issue_from", "issue_until"), ("lunch_start", "lunch_end")):
        if times[earlier] and times[later] and times[earlier] >= times[later]:
            problems.append(ConfigProblem(f"hours.{later}", f"must be after hours.{earlier}"))
    if times["issue_until"] and times["close"] and times["issue_until"] > times["close"]:
        problems.append(ConfigProblem("hours.issue_until", "issuing must stop by hours.close"))
    tidal = raw.get("tidal") if isinstance(raw.get("tidal"), dict) else {}
    low, high = tidal.get("close_below_minutes", 4), tidal.get("open_above_minutes", 12)
    if isinstance(low, int | float) and isinstance(high, int | float) and low >= high:
        problems.append(ConfigProblem("tidal.close_below_minutes", "must be below tidal.open_above_minutes"))
    if bool(hours.get("lunch_start")) != bool(hours.get("lunch_end")):
        problems.append(ConfigProblem("hours.lunch_end", "give both lunch_start and lunch_end, or neither"))
    return problems


def _parse_time(value: Any) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            return None
    return None
