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
    message: str  # English, for check-config and logs
    zh: str = ""  # the same in Chinese, for the back office page

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


# pydantic's error types in Chinese for the back office (its English `msg` stays for check-config)
_ZH_BY_TYPE = {
    "missing": "必须填写",
    "extra_forbidden": "不认识的项目",
    "string_too_short": "内容太短",
    "string_too_long": "内容太长",
    "string_pattern_mismatch": "格式不对",
    "string_type": "应为文字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 是/否",
    "bool_type": "应为 是/否",
    "time_parsing": "应为时刻，如 08:30",
    "time_type": "应为时刻，如 08:30",
    "date_parsing": "应为日期，如 2026-10-01",
    "date_from_datetime_parsing": "应为日期，如 2026-10-01",
    "date_type": "应为日期，如 2026-10-01",
    "list_type": "应为列表",
    "dict_type": "应为一组设置",
    "model_type": "应为一组设置",
    "enum": "不在可选范围内",
    "too_short": "数量太少",
    "too_long": "数量太多",
}
_ZH_BOUNDS = {"greater_than": "应大于 {gt}", "greater_than_equal": "应不小于 {ge}", "less_than": "应小于 {lt}",
              "less_than_equal": "应不大于 {le}"}


def zh_of_error(error: dict[str, Any]) -> str:
    """One pydantic error (`ValidationError.errors()` item) in Chinese."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in _ZH_BOUNDS:
        return _ZH_BOUNDS[kind].format(**{k: f"{v:g}" if isinstance(v, float) else v for k, v in ctx.items()})
    if kind == "value_error":
        return f"取值不符合要求（{ctx.get('error', error.get('msg', ''))}）"
    return _ZH_BY_TYPE.get(kind, f"填写有误（{error.get('msg', '')}）")


def semantic_problems(raw: dict[str, Any]) -> list[ConfigProblem]:
    """Cross-references a schema cannot express; tolerant of badly typed input."""
    problems: list[ConfigProblem] = []
    categories = raw.get("categories") if isinstance(raw.get("categories"), list) else []
    windows = raw.get("windows") if isinstance(raw.get("windows"), list) else []

    if not categories:
        problems.append(ConfigProblem("categories", "at least one category is needed", "至少要有一个事项"))
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
                problems.append(ConfigProblem(f"categories[{i}].id", f"{cid!r} repeats categories[{seen_ids[cid]}]",
                                              f"编号 {cid} 与第 {seen_ids[cid] + 1} 个事项重复"))
            seen_ids.setdefault(cid, i)
        if isinstance(prefix, str):
            if prefix in seen_prefixes:
                problems.append(
                    ConfigProblem(f"categories[{i}].prefix", f"{prefix!r} repeats categories[{seen_prefixes[prefix]}]",
                                  f"字头 {prefix} 与第 {seen_prefixes[prefix] + 1} 个事项重复")
                )
            seen_prefixes.setdefault(prefix, i)

    if not windows:
        problems.append(ConfigProblem("windows", "at least one window is needed", "至少要有一个窗口"))
    seen_numbers: dict[int, int] = {}
    served: set[str] = set()
    for i, win in enumerate(windows):
        if not isinstance(win, dict):
            continue
        number = win.get("number")
        if isinstance(number, int):
            if number in seen_numbers:
                problems.append(ConfigProblem(f"windows[{i}].number", f"{number} repeats windows[{seen_numbers[number]}]",
                                              f"窗口号 {number} 重复"))
            seen_numbers.setdefault(number, i)
        serves = win.get("serves")
        kind = win.get("kind")
        if isinstance(serves, list):
            for j, cid in enumerate(serves):
                if cid == ALL_CATEGORIES:
                    served.update(set(seen_ids) - only_listed)
                elif isinstance(cid, str) and cid not in seen_ids:
                    problems.append(ConfigProblem(f"windows[{i}].serves[{j}]", f"unknown category {cid!r}",
                                                  f"没有事项 {cid}"))
                elif isinstance(cid, str):
                    served.add(cid)
            if not serves and kind not in ("help", None):
                problems.append(ConfigProblem(f"windows[{i}].serves", "only a help window may serve no category",
                                              "只有帮办窗口可以不办理任何事项"))
        if kind == "seasonal" and not win.get("seasons"):
            problems.append(ConfigProblem(f"windows[{i}].seasons", "a seasonal window needs at least one season",
                                          "候鸟窗口至少要有一个季节"))
        if kind != "seasonal" and win.get("seasons"):
            problems.append(ConfigProblem(f"windows[{i}].seasons", "only a seasonal window has seasons",
                                          "只有候鸟窗口设季节"))

    # every category must be reachable from a window that is normally open
    for cid, i in seen_ids.items():
        if cid not in served:
            problems.append(ConfigProblem(f"categories[{i}]", f"no window serves category {cid!r}",
                                          f"没有窗口办理事项 {cid}"))

    cases = raw.get("cases") if isinstance(raw.get("cases"), dict) else {}
    pickup = cases.get("pickup_category")
    if isinstance(pickup, str) and pickup not in seen_ids:
        problems.append(ConfigProblem("cases.pickup_category", f"unknown category {pickup!r}", f"没有事项 {pickup}"))

    phone = raw.get("phone") if isinstance(raw.get("phone"), dict) else {}
    remote = phone.get("remote") if isinstance(phone.get("remote"), dict) else {}
    for cid in remote:
        if cid not in seen_ids:
            problems.append(ConfigProblem(f"phone.remote.{cid}", f"unknown category {cid!r}", f"没有事项 {cid}"))

    priorities = raw.get("priorities") if isinstance(raw.get("priorities"), dict) else {}
    for name in REQUIRED_PRIORITIES:
        if name not in priorities:
            problems.append(ConfigProblem(f"priorities.{name}", "missing priority class", "缺少此优先级"))
    for name in priorities:
        if name not in REQUIRED_PRIORITIES:
            problems.append(
                ConfigProblem(f"priorities.{name}", f"unknown priority class; use {', '.join(REQUIRED_PRIORITIES)}",
                              "不认识的优先级")
            )

    hours = raw.get("hours") if isinstance(raw.get("hours"), dict) else {}
    times = {k: _parse_time(hours.get(k)) for k in ("open", "close", "issue_from", "issue_until", "lunch_start", "lunch_end")}
    for earlier, later in (("open", "close"), ("issue_from", "issue_until"), ("lunch_start", "lunch_end")):
        if times[earlier] and times[later] and times[earlier] >= times[later]:
            problems.append(ConfigProblem(f"hours.{later}", f"must be after hours.{earlier}", "应晚于前一时刻"))
    if times["issue_until"] and times["close"] and times["issue_until"] > times["close"]:
        problems.append(ConfigProblem("hours.issue_until", "issuing must stop by hours.close", "停止取号应不晚于闭厅"))
    tidal = raw.get("tidal") if isinstance(raw.get("tidal"), dict) else {}
    low, high = tidal.get("close_below_minutes", 4), tidal.get("open_above_minutes", 12)
    if isinstance(low, int | float) and isinstance(high, int | float) and low >= high:
        problems.append(ConfigProblem("tidal.close_below_minutes", "must be below tidal.open_above_minutes",
                                        "应小于开启潮汐窗口的等候分钟数"))
    if bool(hours.get("lunch_start")) != bool(hours.get("lunch_end")):
        problems.append(ConfigProblem("hours.lunch_end", "give both lunch_start and lunch_end, or neither",
                                        "午休开始与结束要同时填写或都不填"))
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
