"""Calling-rule experiments on the simulator: what each part of our rule is worth, and its neighbours.

Not product code: candidates are tried here on the same generated days before one goes into
caller/engine/policy.py. Figures and the command are in docs/benchmarks.md.

    .venv/bin/python -m tests.bench.policy_variants 60 [--seed 61] [--lunch] [--season]

Every variant is the live rule (caller.engine.policy.OldestWithHeadStart) with its two refinements set
differently: the oldest-first bound and the bonus for work no narrower window can take.
"""

import argparse
import datetime as dt
from dataclasses import replace

from caller.hall import load_hall
from caller.engine.policy import OldestWithHeadStart, fixed_reach
from caller.queue.service import rules_from_hall
from caller.simulation import policies as P
from caller.simulation.generator import NORMAL, SEASON, draw_fates, generate_day
from caller.simulation.metrics import summarise
from caller.simulation.runner import NORMAL_DAY, OUT_OF_SEASON_DAY
from caller.simulation.simulator import simulate_day


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("days", type=int, nargs="?", default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lunch", action="store_true")
    parser.add_argument("--season", action="store_true")
    args = parser.parse_args()

    hall = load_hall("config/hall.toml")
    rules = rules_from_hall(hall)
    profile = SEASON if args.season else NORMAL
    base = P.policies(hall, rules, NORMAL_DAY if args.season else OUT_OF_SEASON_DAY)
    reform = base["ours"].windows
    reach = fixed_reach(w.serves for w in reform)

    def variant(name: str, bound_min: float | None, bonus_min: float) -> P.SimPolicy:
        tuned = replace(
            rules,
            oldest_first_after=dt.timedelta(minutes=bound_min) if bound_min else None,
            exclusive_bonus=dt.timedelta(minutes=bonus_min),
        )
        return P.SimPolicy(name, OldestWithHeadStart(tuned, reach), P.least_flexible_longest_idle, reform)

    variants = {
        "fifo": base["fifo"],
        "fifo+lf": P.SimPolicy("fifo+lf", P.Fifo(), P.least_flexible_longest_idle, reform),
        "strict-priority": base["strict-priority"],
        "age+head start": variant("age+head start", None, 0),
        "bonus 2 only": variant("bonus 2", None, 2),
        "bound 12 only": variant("bound 12", 12, 0),
        "bound 10, bonus 2": variant("bound 10, bonus 2", 10, 2),
        "bound 12, bonus 2 (ours)": base["ours"],
        "bound 15, bonus 2": variant("bound 15, bonus 2", 15, 2),
        "bound 12, bonus 4": variant("bound 12, bonus 4", 12, 4),
    }
    service_s = {c.id: c.service_minutes * 60 for c in hall.categories}
    results: dict[str, list] = {name: [] for name in variants}
    for seed in range(args.seed, args.seed + args.days):
        arrivals = generate_day(seed, profile)
        fates = draw_fates(seed, arrivals, profile)
        for name, policy in variants.items():
            breaks = P.lunch_schedule(policy.windows, hall) if args.lunch else None
            results[name].append(simulate_day(arrivals, fates, policy, rules, service_s, lunch=breaks))
    print("| variant | mean | p95 | max | green mean | appointment mean | slowest category mean | estimate MAE |")
    print("|---|---|---|---|---|---|---|---|")
    for name, days in results.items():
        s = summarise(days)
        slowest = max(v["mean_min"] for v in s["by_category"].values())
        print(
            f"| {name} | {s['mean_min']:.2f} | {s['p95_min']:.2f} | {s['max_min']:.2f} "
            f"| {s['by_priority']['green']['mean_min']:.2f} | {s['by_priority']['appointment']['mean_min']:.2f} "
            f"| {slowest:.2f} | {s['estimate_mae_min']:.2f} |"
        )


if __name__ == "__main__":
    main()
