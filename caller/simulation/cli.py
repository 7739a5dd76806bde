"""The simulator's commands: `onewindow simulate` (calling policies on generated or recorded days) and
`onewindow lunch-rota` (the staggered lunch breaks it measures)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from caller.hall import load_hall
from caller.settings import CallerSettings


def add_commands(sub) -> None:  # noqa: ANN001 - argparse's subparsers
    rota = sub.add_parser("lunch-rota", help="print which window takes its lunch break when (staggered)")
    rota.add_argument("--hall", dest="hall_file", type=Path)
    rota.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    rota.set_defaults(func=run_lunch_rota)
    simulate = sub.add_parser("simulate", help="compare calling policies on generated days of the hall")
    simulate.add_argument("--hall", dest="hall_file", type=Path)
    simulate.add_argument("--days", type=int, default=60)
    simulate.add_argument("--seed", type=int, default=1)
    simulate.add_argument("--season", action="store_true", help="医保 season: 医保 ×2.2, seasonal window open")
    simulate.add_argument("--absences", action="store_true",
                          help="each staffed window is away once a day for 20-40 min (instead of lunch): the "
                               "estimate's error with windows closed and opened, printed beside the staffed day's")
    simulate.add_argument("--policy", action="append", help=f"repeatable; default {' '.join(DEFAULT_POLICIES)}")
    simulate.add_argument("--trace", type=Path, help="replay a recorded day: CSV arrival_s,category,priority,service_s,patience_s")
    simulate.add_argument("--lunch", action=argparse.BooleanOptionalAction, default=None,
                          help="windows take the hall file's lunch breaks (default: when the hall has one)")
    simulate.add_argument("--json", action="store_true")
    simulate.add_argument("--plot", type=Path, help="also draw the mean wait over the day per policy to this PNG")
    simulate.set_defaults(func=run_simulate)


def run_lunch_rota(args: argparse.Namespace) -> int:
    """The staggered lunch rota the simulator measures, for the staff: who breaks when, who covers."""
    from caller.hall import WindowKind
    from caller.simulation.policies import SimWindowSpec, lunch_schedule

    hall = load_hall(args.hall_file or CallerSettings().hall_file)
    day = args.date or hall.service_day(dt.datetime.now(dt.timezone.utc))  # the hall's today, not the machine's
    windows = [
        SimWindowSpec(w.number, hall.serves(w), tidal=w.kind is WindowKind.TIDAL)
        for w in hall.windows
        if hall.window_in_season(w, day)
    ]
    schedule = lunch_schedule(windows, hall)
    if not schedule:
        print(f"{hall.hall.name}: no lunch break in the hall file")
        return 0
    opens = dt.datetime.combine(day, hall.hours.open)

    def clock(seconds: float) -> str:
        return f"{opens + dt.timedelta(seconds=seconds):%H:%M}"

    print(f"{hall.hall.name} {day:%Y-%m-%d}: lunch rota ({'staggered' if hall.hours.staggered_lunch else 'all at once'})")
    for window in sorted(hall.windows, key=lambda w: w.number):
        if window.number in schedule:
            start, end = schedule[window.number]
            print(f"  {window.number:>3} {window.name}: {clock(start)}–{clock(end)}")
        elif hall.window_in_season(window, day):
            print(f"  {window.number:>3} {window.name}: no break (tidal, extra staff while open)")
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    import json
    import time

    from caller.simulation.metrics import summarise
    from caller.simulation.runner import POLICY_NAMES, format_table, generated_days, replayed_days
    from caller.simulation.trace import TraceError, read_trace

    hall = load_hall(args.hall_file or CallerSettings().hall_file)
    if args.lunch is None:  # on by default when the hall has a lunch break, as the real day does
        args.lunch = hall.hours.lunch_start is not None
    started = time.perf_counter()
    names = args.policy or DEFAULT_POLICIES
    staffed = None  # with --absences: the same days with every window staffed, for the estimate's error
    try:
        if args.trace:
            trace = read_trace(args.trace, [c.id for c in hall.categories])
            days = replayed_days(hall, trace, args.seed, names, args.season, args.lunch, args.absences)
            staffed = replayed_days(hall, trace, args.seed, names, args.season) if args.absences else None
        else:
            days = generated_days(hall, args.days, args.seed, args.season, names, args.lunch, args.absences)
            staffed = generated_days(hall, args.days, args.seed, args.season, names) if args.absences else None
    except (TraceError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summaries = {name: summarise(results) for name, results in days.items()}
    elapsed = time.perf_counter() - started
    kind = ("医保旺季" if args.season else "平常日") + ("，窗口轮流午休" if args.lunch else "，不午休") + (
        "，每个窗口每天离开一次" if args.absences else "")
    what = f"记录的一天 {args.trace.name}（{kind}）" if args.trace else f"{args.days} 个生成的{kind}"
    if args.plot:
        from caller.simulation.plot import plot_waits

        plot_waits(days, args.plot, f"{hall.hall.name}：{what}，随机种子 {args.seed}")
    if args.json:
        print(json.dumps(summaries, indent=2, ensure_ascii=False))
    else:
        print(f"{hall.hall.name}：{what}，随机种子 {args.seed}，用时 {elapsed:.1f} 秒")
        print(format_table(summaries))
        if staffed is not None:
            print("窗口临时离开时的预估偏差（分钟），对照同样的日子所有窗口全天在岗：")
            for name, results in staffed.items():
                print(f"  {POLICY_NAMES.get(name, name)}：{summaries[name]['estimate_mae_min'] or 0:.2f}"
                      f"（全天在岗：{summarise(results)['estimate_mae_min'] or 0:.2f}）")
    return 0


DEFAULT_POLICIES = ["dedicated", "fifo", "strict-priority", "pooled", "ours", "ours+tidal"]
