"""Figures over simulated days: waits, tails, abandonment, utilisation spread, tidal cost, estimate error."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence

from caller.simulation.simulator import DayResult

COMPREHENSIVE = (1, 2, 3, 4, 5, 6)


def _percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _wait_summary(waits_s: Sequence[float]) -> dict:
    minutes = [w / 60 for w in waits_s]
    return {
        "n": len(minutes),
        "mean_min": round(statistics.fmean(minutes), 2) if minutes else 0.0,
        "p95_min": round(_percentile(minutes, 95), 2),
        "max_min": round(max(minutes), 2) if minutes else 0.0,
        "p_over_20_min": round(sum(m > 20 for m in minutes) / len(minutes), 4) if minutes else 0.0,
    }


def summarise(days: Iterable[DayResult], comprehensive: Sequence[int] = COMPREHENSIVE) -> dict:
    days = list(days)
    tickets = [t for d in days for t in d.tickets]
    served = [t for t in tickets if t.first_call_s is not None]
    waits = [t.first_call_s - t.arrival_s for t in served]
    out = _wait_summary(waits)
    out["abandonment"] = round(sum(t.abandoned for t in tickets) / len(tickets), 4) if tickets else 0.0
    out["by_category"] = {
        c: _wait_summary([t.first_call_s - t.arrival_s for t in served if t.category == c])
        for c in sorted({t.category for t in tickets})
    }
    out["by_priority"] = {
        p: _wait_summary([t.first_call_s - t.arrival_s for t in served if t.priority == p])
        for p in ("normal", "appointment", "green")
    }
    transfer_waits = [t.transfer_wait_s for t in tickets if t.transfer_wait_s is not None]
    out["transfer_wait_mean_min"] = round(statistics.fmean(transfer_waits) / 60, 2) if transfer_waits else 0.0
    windows = sorted({n for d in days for n in d.utilisation})
    out["utilisation"] = {n: round(statistics.fmean(d.utilisation.get(n, 0.0) for d in days), 4) for n in windows}
    spreads = []
    for d in days:
        group = [d.utilisation[n] for n in comprehensive if n in d.utilisation]
        if len(group) > 1:
            spreads.append(max(group) - min(group))
    out["comprehensive_spread_pp"] = round(100 * statistics.fmean(spreads), 2) if spreads else 0.0  # mean of days
    group = [out["utilisation"][n] for n in comprehensive if n in out["utilisation"]]
    out["comprehensive_spread_run_pp"] = round(100 * (max(group) - min(group)), 2) if len(group) > 1 else 0.0
    out["tidal_openings_per_day"] = round(statistics.fmean(d.tidal_openings for d in days), 2) if days else 0.0
    out["tidal_staff_min_per_day"] = round(statistics.fmean(d.tidal_staff_s for d in days) / 60, 1) if days else 0.0
    errors = [abs(t.estimate_s - (t.first_call_s - t.arrival_s)) for t in served if t.estimate_s is not None]
    naive = [abs(t.naive_estimate_s - (t.first_call_s - t.arrival_s)) for t in served if t.naive_estimate_s is not None]
    out["estimate_mae_min"] = round(statistics.fmean(errors) / 60, 2) if errors else None
    out["naive_estimate_mae_min"] = round(statistics.fmean(naive) / 60, 2) if naive else None
    out["days"] = len(days)
    out["tickets_per_day"] = round(len(tickets) / len(days), 1) if days else 0.0
    return out
