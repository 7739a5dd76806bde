"""Runs several policies over the same days and prints their figures side by side."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from caller.hall import Hall
from caller.queue.service import rules_from_hall
from caller.simulation.generator import (
    NORMAL,
    SEASON,
    DayProfile,
    draw_fates,
    generate_day,
)
from caller.simulation.metrics import summarise
from caller.simulation.policies import absence_schedule, lunch_schedule, policies
from caller.simulation.simulator import DayResult, simulate_day
from caller.simulation.trace import Arrival

NORMAL_DAY = dt.date(2026, 11, 23)  # the seasonal window is in season Sep–Dec; a normal day is outside it
OUT_OF_SEASON_DAY = dt.date(2026, 3, 16)


def run_days(
    hall: Hall,
    days: Sequence[list[Arrival]],
    seeds: Sequence[int],
    names: Sequence[str],
    profile: DayProfile = NORMAL,
    in_season: bool = False,
    lunch: bool = False,
    absences: bool = False,
) -> dict[str, list[DayResult]]:
    """`absences`: each staffed window is away once a day (absence_schedule), instead of lunch breaks."""
    rules = rules_from_hall(hall)
    calendar_day = NORMAL_DAY if in_season else OUT_OF_SEASON_DAY
    available = policies(hall, rules, calendar_day)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ValueError(f"unknown policies {unknown}; choose from {', '.join(available)}")
    mean = {c.id: c.service_minutes * 60.0 for c in hall.categories}
    results: dict[str, list[DayResult]] = {n: [] for n in names}
    breaks = {name: lunch_schedule(available[name].windows, hall) if lunch else {} for name in names}
    for seed, arrivals in zip(seeds, days, strict=True):
        fates = draw_fates(seed, arrivals, profile)
        for name in names:
            policy = available[name]
            away = absence_schedule(policy.windows, seed) if absences else breaks[name]
            results[name].append(simulate_day(arrivals, fates, policy, rules, mean, hall.tidal.rule(), away))
    return results


def generated_days(
    hall: Hall, days: int, seed: int, season: bool, names: Sequence[str], lunch: bool = False, absences: bool = False
) -> dict[str, list[DayResult]]:
    profile = SEASON if season else NORMAL
    seeds = [seed + i for i in range(days)]
    arrivals = [generate_day(s, profile) for s in seeds]
    return run_days(hall, arrivals, seeds, names, profile, season, lunch, absences)


def generated(hall: Hall, days: int, seed: int, season: bool, names: Sequence[str], lunch: bool = False) -> dict[str, dict]:
    results = generated_days(hall, days, seed, season, names, lunch)
    return {name: summarise(days_of) for name, days_of in results.items()}


def replayed_days(
    hall: Hall, trace: list[Arrival], seed: int, names: Sequence[str], in_season: bool = False, lunch: bool = False,
    absences: bool = False,
) -> dict[str, list[DayResult]]:
    """A recorded day (design §5 trace) through every policy; no-show and transfer fates drawn from `seed`."""
    return run_days(hall, [trace], [seed], names, NORMAL, in_season, lunch, absences)


POLICY_NAMES = {"dedicated": "专窗专办", "fifo": "先到先办", "strict-priority": "优先者绝对优先",
                "pooled": "无差别受理", "ours": "本系统叫号规则", "ours+tidal": "本系统规则+潮汐窗口"}
COLUMNS = [("叫号方式", 18), ("平均等候", 9), ("95%不超过", 10), ("最长", 7), ("超20分钟", 9), ("未办离开", 9),
           ("忙闲差", 8), ("全程忙闲差", 11), ("潮汐开放", 9), ("预估偏差", 9), ("简单预估偏差", 13)]


def _pad(text: str, width: int, left: bool = False) -> str:
    """Padded to `width` columns: a Chinese character takes two."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    space = " " * max(0, width - used)
    return text + space if left else space + text


def format_table(summaries: dict[str, dict]) -> str:
    """The policies side by side, as a hall manager reads them (minutes unless marked)."""
    head = "".join(_pad(name, width, left=i == 0) for i, (name, width) in enumerate(COLUMNS))
    lines = [head, "-" * sum(width for _, width in COLUMNS)]
    for name, s in summaries.items():
        cells = [POLICY_NAMES.get(name, name), f"{s['mean_min']:.2f}", f"{s['p95_min']:.1f}", f"{s['max_min']:.1f}",
                 f"{100 * s['p_over_20_min']:.1f}%", f"{100 * s['abandonment']:.1f}%",
                 f"{s['comprehensive_spread_pp']:.1f}点", f"{s['comprehensive_spread_run_pp']:.1f}点",
                 f"{s['tidal_openings_per_day']:.2f}次", f"{s['estimate_mae_min'] or 0:.2f}",
                 f"{s['naive_estimate_mae_min'] or 0:.2f}"]
        lines.append("".join(_pad(cell, width, left=i == 0) for i, (cell, (_, width)) in enumerate(zip(cells, COLUMNS))))
    lines.append("等候：取号到第一次被叫号的分钟数；超20分钟：等候超过 20 分钟的群众占比；未办离开：叫号前离开的占比；")
    lines.append("忙闲差：综合受理窗口 1–6 号利用率最高与最低之差（百分点，逐日平均）；全程忙闲差：按全程平均利用率算；")
    lines.append("潮汐开放：潮汐窗口每天开放次数；预估偏差：取号时告知的预计等候与实际的平均差（分钟）；")
    lines.append("简单预估偏差：按“前面人数 × 平均办理时间 ÷ 窗口数”估算的平均差，作对照。")
    return "\n".join(lines)
