"""The back office's rules, pure: the hall as a document and as TOML, what a change changes, and what it would do to
the tickets waiting now (strand them, or move them with their age)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

import tomli_w

from caller.engine.identity import CONTROL_CHARACTERS
from caller.hall import Hall, HallConfigError, parse_hall
from caller.hall_problems import ConfigProblem


def document(hall: Hall) -> dict[str, Any]:
    """The hall as JSON for the back office page (times as "08:30:00", dates as "2026-10-01")."""
    return hall.model_dump(mode="json", by_alias=True)


def to_toml(hall: Hall) -> str:
    """The hall as a hall file: what `export` gives and what a version stores (comments are not kept)."""
    return tomli_w.dumps(hall.model_dump(mode="python", by_alias=True, exclude_none=True))


def from_toml(text: str, source: str = "hall.toml") -> Hall:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HallConfigError(source, [ConfigProblem("<file>", f"not valid TOML: {exc}", f"不是有效的配置文件：{exc}")])
    return parse_hall(raw, source)


def _control_characters(value: Any, key: str) -> list[ConfigProblem]:
    """Every text holding a control character (a NUL, say), with its key: PostgreSQL refuses NUL in text."""
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            return [ConfigProblem(key or "<file>", "holds a control character", "含有不可见的控制字符")]
        return []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _control_characters(v, f"{key}.{k}" if key else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _control_characters(v, f"{key}[{i}]")]
    return []


def from_document(raw: Any) -> Hall:
    if not isinstance(raw, dict):
        raise HallConfigError("page", [ConfigProblem("<file>", "the hall is an object", "内容应为一组设置")])
    problems = _control_characters(raw, "")
    if problems:
        raise HallConfigError("page", problems)
    return parse_hall(raw, "page")


def _keyed(path: str, items: list[Any]) -> list[tuple[str, Any]]:
    """List items named by their id or window number where they have one, so a change reads 事项[zonghe].name."""
    named = []
    for i, item in enumerate(items):
        key = item.get("id", item.get("number")) if isinstance(item, dict) else None
        named.append((f"{path}[{key if key is not None else i}]", item))
    if len({name for name, _ in named}) != len(named):
        return [(f"{path}[{i}]", item) for i, item in enumerate(items)]
    return named


def _flat(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(inner, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        for name, item in _keyed(path, value):
            out[name] = item.get("name", "")  # the item itself, so one added or removed is one change
            _flat(item, name, out)
    else:
        out[path] = value


@dataclass(frozen=True)
class Change:
    key: str  # categories[zonghe].service_minutes, windows[3].serves, hours.closed_dates
    before: Any  # None: added
    after: Any  # None: removed


def changes(before: Hall, after: Hall) -> list[Change]:
    """What differs between two versions of the hall, field by field."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flat(document(before), "", old)
    _flat(document(after), "", new)
    keys = list(old) + [key for key in new if key not in old]
    whole = [key for key in keys if key.endswith("]") and (key in old) != (key in new)]  # items added or removed
    return [Change(key, old.get(key), new.get(key)) for key in keys
            if old.get(key) != new.get(key) and not any(key.startswith(item) and key != item for item in whole)]


def summary(found: list[Change], limit: int = 4) -> str:
    """A short line for the history: the first few keys changed."""
    if not found:
        return "无改动"
    shown = "、".join(change.key for change in found[:limit])
    return shown + (f" 等 {len(found)} 项" if len(found) > limit else "")


@dataclass(frozen=True)
class Stranded:
    category: str
    waiting: int
    reason: str  # removed | unserved


def stranded(after: Hall, waiting: dict[str, int]) -> list[Stranded]:
    """Waiting tickets the new version would leave with no window to call them."""
    served = {category for window in after.windows for category in after.serves(window)}
    found = []
    for category, count in sorted(waiting.items()):
        if count and after.category(category) is None:
            found.append(Stranded(category, count, "removed"))
        elif count and category not in served:
            found.append(Stranded(category, count, "unserved"))
    return found


def refusals(before: Hall, after: Hall, waiting: dict[str, int], busy_windows: set[int],
             moves: dict[str, str]) -> list[ConfigProblem]:
    """Why the new version cannot run now, each with its field: another hall or time zone (a restart, not an
    edit), a window removed while staff work at it, or waiting tickets stranded with nowhere to move them."""
    problems = []
    if after.hall.id != before.hall.id:
        problems.append(ConfigProblem("hall.id", "the hall id cannot change while it runs",
                                      "大厅编号不能修改（它是另一个大厅）"))
    if after.hall.timezone != before.hall.timezone:
        problems.append(ConfigProblem("hall.timezone", "the time zone cannot change while the hall runs",
                                      "时区不能在运行中修改"))
    for number in sorted(busy_windows):
        if after.window(number) is None:
            problems.append(ConfigProblem("windows", f"window {number} is in use",
                                          f"{number} 号窗口正在使用（已签入或正在办理），请先退出再删除"))
    served = {category for window in after.windows for category in after.serves(window)}
    for lost in stranded(after, waiting):
        target = moves.get(lost.category)
        what = "将被删除" if lost.reason == "removed" else "将没有窗口办理"
        if target is None:
            problems.append(ConfigProblem(
                f"moves.{lost.category}", f"{lost.waiting} ticket(s) wait for {lost.category!r}, which would be "
                f"{lost.reason}: move them to another category",
                f"事项 {lost.category} {what}，还有 {lost.waiting} 人在等候：请选择把他们转到哪个事项（保留排队时间）"))
        elif after.category(target) is None or target not in served:
            problems.append(ConfigProblem(f"moves.{lost.category}", f"cannot move to {target!r}",
                                          f"不能转到 {target}：新配置中没有窗口办理该事项"))
    return problems
