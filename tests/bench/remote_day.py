"""远程取号 on the simulator: what numbers taken from the phone do to the waits of citizens who walk in.

The same generated days, the live calling rule ("ours"), four ways (figures and the command in docs/benchmarks.md):

- walk-in only: every citizen takes a number on coming in (the day as generated);
- remote, all on time: 20 % of citizens take their number 5–20 minutes (`--lead`) before coming in;
- remote, 10 % late: the same, one in ten of them coming in 10–40 minutes later than meant (our rule: a reached
  number waits 5 minutes' grace, then lapses, and queues again from its arrival);
- naive, 10 % late: the same late citizens in a hall that calls a remote number whether or not its citizen is
  there (each call of an absent one costs the window a no-show's minute; they return to their place).

    .venv/bin/python -m tests.bench.remote_day 30 [--seed 1] [--busy 1.3] [--lead 5 20]

Walk-ins' waits are from taking the number; remote citizens' from coming in. The claim to check: walk-ins wait no
longer when remote citizens are late than when they are on time (the absent cost those present nothing).
"""

import argparse
import statistics
from dataclasses import replace

from caller.hall import load_hall
from caller.queue.service import rules_from_hall
from caller.simulation import policies as P
from caller.simulation.generator import NORMAL, draw_fates, generate_day, with_remote
from caller.simulation.runner import OUT_OF_SEASON_DAY
from caller.simulation.simulator import simulate_day
from tests.bench.harness import percentile


def figures(results: list, remote_ones: list[set[int]]) -> dict:
    """Walk-ins: the citizens who walk in on the remote days, in every scenario (the same people)."""
    walk_in = [r.first_call_s - r.arrival_s for d, chosen in zip(results, remote_ones, strict=True) for r in d.tickets
               if r.index not in chosen and r.first_call_s is not None]
    remote = [max(0.0, r.first_call_s - r.arrival_s) for d in results for r in d.tickets
              if r.remote and r.first_call_s is not None]
    minutes = [w / 60 for w in walk_in]
    return {
        "walk-in mean": statistics.fmean(minutes),
        "walk-in p90": percentile(minutes, 90),
        "walk-in p99": percentile(minutes, 99),
        "remote mean": statistics.fmean(remote) / 60 if remote else float("nan"),
        "remote p90": percentile([w / 60 for w in remote], 90) if remote else float("nan"),
        "lapsed/day": sum(r.lapsed for d in results for r in d.tickets) / len(results),
        "wasted calls/day": sum(d.wasted_calls for d in results) / len(results),
        "abandoned %": 100 * sum(r.abandoned for d in results for r in d.tickets)
        / sum(len(d.tickets) for d in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("days", type=int, nargs="?", default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--busy", type=float, default=1.0, help="tickets a day as a multiple of the sample day's")
    parser.add_argument("--lead", type=float, nargs=2, default=(5, 20), metavar=("MIN", "MAX"),
                        help="minutes between taking the number and coming in")
    args = parser.parse_args()
    if not 1 <= args.days <= 365:
        parser.error("days: 1-365")

    hall = load_hall("config/hall.toml")
    rules = rules_from_hall(hall)
    ours = P.policies(hall, rules, OUT_OF_SEASON_DAY)["ours"]
    mean = {c.id: c.service_minutes * 60.0 for c in hall.categories}
    grace = hall.phone.arrival_grace
    lead = tuple(args.lead)
    profile = replace(NORMAL, tickets_per_day=NORMAL.tickets_per_day * args.busy)
    scenarios = {
        "walk-in only": (lambda day, seed: day, "arrival"),
        "remote, all on time": (lambda day, seed: with_remote(day, seed, late_share=0.0, lead_min=lead), "arrival"),
        "remote, 10 % late": (lambda day, seed: with_remote(day, seed, late_share=0.1, lead_min=lead), "arrival"),
        "naive, 10 % late": (lambda day, seed: with_remote(day, seed, late_share=0.1, lead_min=lead), "naive"),
    }
    results: dict[str, list] = {name: [] for name in scenarios}
    remote_ones: list[set[int]] = []
    for seed in range(args.seed, args.seed + args.days):
        day = generate_day(seed, profile)
        fates = draw_fates(seed, day, profile)
        remote_ones.append({i for i, a in enumerate(with_remote(day, seed, lead_min=lead)) if a.taken_s is not None})
        for name, (make, mode) in scenarios.items():
            results[name].append(simulate_day(make(day, seed), fates, ours, rules, mean, hall.tidal.rule(),
                                              remote=mode, grace=grace))
    rows = {name: figures(days, remote_ones) for name, days in results.items()}
    columns = list(next(iter(rows.values())))
    print(f"{args.days} generated days (seed {args.seed}, {profile.tickets_per_day:.0f} tickets a day), the sample "
          f"hall, rule 'ours', remote numbers taken {lead[0]:g}-{lead[1]:g} min ahead, grace "
          f"{hall.phone.arrival_grace_minutes:g} min; waits in minutes")
    print("| scenario | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(f"{value:.2f}" for value in row.values()) + " |")


if __name__ == "__main__":
    main()
