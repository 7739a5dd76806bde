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


def format_table(summaries: dict[str, dict]) -> str:
    head = (
        f"{'policy':<16}{'mean':>7}{'p95':>7}{'max':>7}{'P>20':>7}{'aband':>7}{'spread':>8}{'run':>6}"
        f"{'tidal/d':>8}{'est MAE':>8}{'naive':>7}"
    )
    lines = [head, "-" * len(head)]
    for name, s in summaries.items():
        lines.append(
            f"{name:<16}{s['mean_min']:>7.2f}{s['p95_min']:>7.1f}{s['max_min']:>7.1f}{100 * s['p_over_20_min']:>6.1f}%"
            f"{100 * s['abandonment']:>6.1f}%{s['comprehensive_spread_pp']:>7.1f}p{s['comprehensive_spread_run_pp']:>5.1f}p"
            f"{s['tidal_openings_per_day']:>8.2f}"
            f"{s['estimate_mae_min'] or 0:>8.2f}{s['naive_estimate_mae_min'] or 0:>7.2f}"
        )
    lines.append("minutes of wait until first call; P>20: share waiting over 20 min; aband: left before being called;")
    lines.append("spread: utilisation max-min among comprehensive windows 1-6, mean of days; run: of the run's mean utilisations")
    lines.append("est MAE: mean absolute error of the wait estimated at issue; naive: people ahead x mean service / windows")
    return "\n".join(lines)
