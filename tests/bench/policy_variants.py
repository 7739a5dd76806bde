"""Calling-rule experiments on the simulator: which part of a policy drives the tail, and tail guards.

Not product code: candidates are tried here on the same generated days before one goes into
caller/policy.py. Figures and the command are in docs/benchmarks.md.

    .venv/bin/python -m tests.bench.policy_variants 60 [--lunch]
"""

import datetime as dt
import sys

from caller.hall import load_hall
from caller.service import rules_from_hall
from caller.policy import OldestWithHeadStart
from caller.model import TicketStatus
from caller.simulation import policies as P
from caller.simulation.generator import generate_day, draw_fates
from caller.simulation.simulator import simulate_day
from caller.simulation.metrics import summarise
from caller.simulation.runner import OUT_OF_SEASON_DAY

hall = load_hall('config/hall.toml'); rules = rules_from_hall(hall)
base = P.policies(hall, rules, OUT_OF_SEASON_DAY)
reform = base["ours"].windows

class Guard:
    """Age + head start, except that once an eligible ticket has waited `bound` minutes, oldest first."""

    def __init__(self, bound_min): self.inner = OldestWithHeadStart(rules); self.bound = dt.timedelta(minutes=bound_min)
    def choose(self, window, serves, waiting, now):
        eligible = [t for t in waiting if t.status is TicketStatus.WAITING and t.category in serves]
        old = [t for t in eligible if now - t.queued_at >= self.bound]
        if old:
            return min(old, key=lambda t: (t.queued_at, t.number))
        return self.inner.choose(window, serves, eligible, now)

class GuardGreen(Guard):
    """The guard, but the green channel may still go first."""

    def choose(self, window, serves, waiting, now):
        eligible = [t for t in waiting if t.status is TicketStatus.WAITING and t.category in serves]
        old = [t for t in eligible if now - t.queued_at >= self.bound]
        if old:
            green = [t for t in eligible if t.priority.value == "green"]
            return min(green or old, key=lambda t: (t.queued_at, t.number))
        return self.inner.choose(window, serves, eligible, now)

class Fade:
    """Head starts scaled by max(0, 1 - age of the oldest eligible ticket / T): full when calm, gone at the peak."""

    def __init__(self, minutes):
        self.span = dt.timedelta(minutes=minutes)

    def choose(self, window, serves, waiting, now):
        eligible = [t for t in waiting if t.status is TicketStatus.WAITING and t.category in serves]
        if not eligible:
            return None
        factor = max(0.0, 1 - max(now - t.queued_at for t in eligible) / self.span)
        return min(eligible, key=lambda t: (t.queued_at - rules.head_start(t) * factor, t.number))


variants = {
  "fifo": base["fifo"],
  "fifo+lf": P.SimPolicy("fifo+lf", P.Fifo(), P.least_flexible_longest_idle, reform),
  "ours": base["ours"],
  "ours+num": P.SimPolicy("ours+num", OldestWithHeadStart(rules), P.by_number, reform),
}
for b in (8, 12):
    variants[f"guard{b}"] = P.SimPolicy(f"guard{b}", Guard(b), P.least_flexible_longest_idle, reform)
for b in (12, 16):
    variants[f"guard-green{b}"] = P.SimPolicy(f"guard-green{b}", GuardGreen(b), P.least_flexible_longest_idle, reform)
for m in (15, 40):
    variants[f"fade{m}"] = P.SimPolicy(f"fade{m}", Fade(m), P.least_flexible_longest_idle, reform)
days = int(sys.argv[1]) if len(sys.argv) > 1 else 30
with_lunch = "--lunch" in sys.argv
res = {n: [] for n in variants}
for seed in range(1, days + 1):
    arr = generate_day(seed); f = draw_fates(seed, arr)
    for n, p in variants.items():
        breaks = P.lunch_schedule(p.windows, hall) if with_lunch else None
        res[n].append(simulate_day(arr, f, p, rules, {c.id: c.service_minutes*60 for c in hall.categories}, lunch=breaks))
for n, r in res.items():
    s = summarise(r)
    print(f"{n:10} mean {s['mean_min']:.2f} p95 {s['p95_min']:.1f} max {s['max_min']:.1f} green {s['by_priority']['green']['mean_min']:.2f} appt {s['by_priority']['appointment']['mean_min']:.2f} worstcat {max(v['mean_min'] for v in s['by_category'].values()):.2f}")
