"""The simulator drives the live engine: conservation, determinism, same days for every policy, baselines."""

import statistics

import pytest

from caller.engine import model
from caller.queue.service import rules_from_hall
from caller.simulation import simulator as simulator_module
from caller.simulation.generator import NORMAL, SEASON, draw_fates, generate_day
from caller.simulation.metrics import summarise
from caller.simulation.policies import policies
from caller.simulation.runner import OUT_OF_SEASON_DAY, generated, run_days
from caller.simulation.simulator import simulate_day
from caller.simulation.trace import Arrival, TraceError, read_trace, write_trace


def test_a_generated_day_follows_the_sample_hall():
    days = [generate_day(seed) for seed in range(20)]
    per_day = statistics.fmean(len(d) for d in days)
    assert 490 < per_day < 550  # 519 on average
    tickets = [a for d in days for a in d]
    assert abs(sum(a.category == "shebao" for a in tickets) / len(tickets) - 0.27) < 0.02
    assert abs(sum(a.priority == "green" for a in tickets) / len(tickets) - 0.05) < 0.01
    mean_service = statistics.fmean(a.service_s for a in tickets) / 60
    assert 6.5 < mean_service < 7.4  # 6.94 min
    assert all(0 <= a.arrival_s < 480 * 60 for a in tickets)
    assert generate_day(3) == generate_day(3) and generate_day(3) != generate_day(4)


def test_a_season_day_has_about_2_2_times_the_medical_insurance_tickets():
    normal = sum(sum(a.category == "yibao" for a in generate_day(s)) for s in range(10))
    season = sum(sum(a.category == "yibao" for a in generate_day(s, SEASON)) for s in range(10))
    assert 1.9 < season / normal < 2.5
    assert 620 < statistics.fmean(len(generate_day(s, SEASON)) for s in range(10)) < 710


def test_every_citizen_is_served_or_left_and_no_window_holds_two(hall):
    arrivals = generate_day(5)
    fates = draw_fates(5, arrivals)
    for policy in policies(hall, rules_from_hall(hall), OUT_OF_SEASON_DAY).values():
        result = simulate_day(arrivals, fates, policy, rules_from_hall(hall), {c.id: c.service_minutes * 60 for c in hall.categories})
        assert len(result.tickets) == len(arrivals)
        called = sum(t.first_call_s is not None for t in result.tickets)
        left = sum(t.abandoned for t in result.tickets)
        assert called + left == len(arrivals), policy.name
        assert all(t.first_call_s >= t.arrival_s for t in result.tickets if t.first_call_s is not None)
        per_window: dict[int, list[float]] = {}
        for t, window, _number in result.calls:
            per_window.setdefault(window, []).append(t)
        shortest = min(min(a.service_s for a in arrivals), simulator_module.NO_SHOW_COST_S)
        for times in per_window.values():  # a window calls again only after its citizen has left
            assert all(b - a >= shortest - 1e-6 for a, b in zip(times, times[1:]))
        assert all(0 <= u <= 1.0 + 1e-9 for u in result.utilisation.values())


def test_the_simulator_moves_tickets_only_through_the_engine(hall, monkeypatch):
    """Counting calls into caller.engine.model shows the simulator uses the live transitions, not its own."""
    counts = {"call": 0, "finish": 0, "issue": 0}
    for name in counts:
        original = getattr(model, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            counts[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(simulator_module.model, name, counting)
    arrivals = generate_day(2)
    policy = policies(hall, rules_from_hall(hall), OUT_OF_SEASON_DAY)["ours"]
    result = simulate_day(arrivals, draw_fates(2, arrivals), policy, rules_from_hall(hall), {c.id: 300.0 for c in hall.categories})
    assert counts["issue"] == len(arrivals)
    assert counts["call"] == len(result.calls)
    assert counts["finish"] > 0.8 * len(arrivals)


def test_every_policy_meets_the_same_arrivals_and_fates(hall):
    seeds = [11, 12]
    days = [generate_day(s) for s in seeds]
    results = run_days(hall, days, seeds, ["fifo", "ours"])
    for fifo_day, ours_day, arrivals in zip(results["fifo"], results["ours"], days, strict=True):
        assert [t.arrival_s for t in fifo_day.tickets] == [a.arrival_s for a in arrivals]
        assert [t.arrival_s for t in ours_day.tickets] == [a.arrival_s for a in arrivals]


def test_the_dedicated_baseline_lands_near_the_study_and_the_reform_beats_it(hall):
    figures = generated(hall, days=8, seed=100, season=False, names=["dedicated", "fifo", "ours", "pooled"])
    assert 7.0 < figures["dedicated"]["mean_min"] < 10.5  # the study: 8.8 min
    assert figures["ours"]["mean_min"] < figures["dedicated"]["mean_min"] / 2
    assert figures["pooled"]["mean_min"] <= figures["ours"]["mean_min"]


def test_green_channel_and_appointments_wait_less_under_our_policy(hall):
    figures = generated(hall, days=6, seed=200, season=False, names=["fifo", "ours"])
    ours, fifo = figures["ours"]["by_priority"], figures["fifo"]["by_priority"]
    assert ours["green"]["mean_min"] < ours["normal"]["mean_min"]
    assert ours["green"]["mean_min"] < fifo["green"]["mean_min"]


def test_the_tidal_window_opens_when_the_queue_builds(hall):
    figures = generated(hall, days=6, seed=300, season=False, names=["ours", "ours+tidal"])
    assert figures["ours+tidal"]["tidal_openings_per_day"] > 0
    assert figures["ours+tidal"]["mean_min"] < figures["ours"]["mean_min"]
    assert figures["ours"]["tidal_openings_per_day"] == 0


def test_a_trace_round_trips_and_bad_rows_are_named(tmp_path, hall):
    arrivals = generate_day(9)[:50]
    path = tmp_path / "day.csv"
    write_trace(path, arrivals)
    back = read_trace(path, [c.id for c in hall.categories])
    assert [(a.category, a.priority) for a in back] == [(a.category, a.priority) for a in arrivals]
    assert all(abs(a.arrival_s - b.arrival_s) < 0.06 for a, b in zip(arrivals, back, strict=True))
    path.write_text(
        "arrival_s,category,priority,service_s,patience_s\n10,shebao,normal,300,\n5,mars,vip,300,60\nx,shebao,normal,1,1\n",
        encoding="utf-8",
    )
    with pytest.raises(TraceError) as err:
        read_trace(path, [c.id for c in hall.categories])
    message = str(err.value)
    assert "line 3: unknown category 'mars'" in message and "line 3: priority" in message
    assert "line 3: rows must be in arrival order" in message and "line 4:" in message


def test_metrics_count_waits_and_abandonment(hall):
    arrivals = [Arrival(0, "gongzhang", "normal", 600, None), Arrival(1, "gongzhang", "normal", 600, 30)]
    fates = draw_fates(1, arrivals, NORMAL)
    fates = [f.__class__(False, None, None, 0.0) for f in fates]
    policy = policies(hall, rules_from_hall(hall), OUT_OF_SEASON_DAY)["dedicated"]  # one 公章 window
    summary = summarise([simulate_day(arrivals, fates, policy, rules_from_hall(hall), {"gongzhang": 240.0})])
    assert summary["abandonment"] == 0.5  # the second citizen gave up after 30 s behind a 10-minute service
    assert summary["by_category"]["gongzhang"]["n"] == 1


def test_simulate_replays_a_trace_from_the_command_line(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = tmp_path / "day.csv"
    write_trace(path, generate_day(21))
    run = subprocess.run(
        [sys.executable, "-m", "caller.cli", "simulate", "--trace", str(path), "--policy", "fifo", "--policy", "ours"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert "记录的一天" in run.stdout and "\n先到先办" in run.stdout and "\n本系统叫号规则" in run.stdout
    assert "est MAE" not in run.stdout and "spread" not in run.stdout  # a manager's words, not jargon
    bad = subprocess.run(
        [sys.executable, "-m", "caller.cli", "simulate", "--policy", "lottery"], capture_output=True, text=True, cwd=ROOT
    )
    assert bad.returncode == 2 and "unknown policies ['lottery']" in bad.stderr


def test_the_plot_shows_each_policy_over_the_day(hall, tmp_path):
    from caller.simulation.plot import plot_waits, waits_by_arrival_slot
    from caller.simulation.runner import generated_days

    days = generated_days(hall, days=2, seed=7, season=False, names=["dedicated", "ours"])
    dedicated, ours = waits_by_arrival_slot(days["dedicated"]), waits_by_arrival_slot(days["ours"])
    assert len(dedicated) == 32  # 15-minute slots from 08:30 to 16:30
    assert max(w for _, w in dedicated) > max(w for _, w in ours)
    path = tmp_path / "waits.png"
    plot_waits(days, path, "test")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000


def test_lunch_is_staggered_within_each_group_of_windows_and_the_tidal_window_works_through(hall):
    from caller.simulation.policies import lunch_schedule

    windows = policies(hall, rules_from_hall(hall), OUT_OF_SEASON_DAY)["ours+tidal"].windows
    schedule = lunch_schedule(windows, hall)
    early, late = (3.5 * 3600, 4.5 * 3600), (4.5 * 3600, 5.5 * 3600)  # 12:00–13:00, then 13:00–14:00
    assert [schedule[n] for n in (1, 2, 3, 4, 5, 6)] == [early, late] * 3
    assert (schedule[7], schedule[8]) == (early, late)  # 社保医保 windows cover each other
    assert 12 not in schedule
    together = hall.model_copy(update={"hours": hall.hours.model_copy(update={"staggered_lunch": False})})
    assert set(lunch_schedule(windows, together).values()) == {(3.5 * 3600, 4.5 * 3600)}
    for number in (1, 3, 5):  # at every moment of lunch one of each pair of comprehensive windows is open
        assert schedule[number][1] <= schedule[number + 1][0]


def test_a_window_calls_nobody_during_its_lunch_break_and_waits_grow(hall):
    from caller.simulation.policies import lunch_schedule

    rules = rules_from_hall(hall)
    arrivals = generate_day(8)
    fates = draw_fates(8, arrivals)
    policy = policies(hall, rules, OUT_OF_SEASON_DAY)["ours"]
    schedule = lunch_schedule(policy.windows, hall)
    mean = {c.id: c.service_minutes * 60 for c in hall.categories}
    with_lunch = simulate_day(arrivals, fates, policy, rules, mean, lunch=schedule)
    for t, window, _number in with_lunch.calls:
        begins, ends = schedule[window]
        assert not begins <= t < ends, f"window {window} called at {t} during its break"
    without = simulate_day(arrivals, fates, policy, rules, mean)
    assert statistics.fmean(with_lunch.waits_s) > statistics.fmean(without.waits_s)
    assert [a.kind for a in with_lunch.actions].count("pause") == len(schedule)


def test_a_replayed_trace_can_be_plotted(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    trace, picture = tmp_path / "day.csv", tmp_path / "day.png"
    write_trace(trace, generate_day(22))
    run = subprocess.run(
        [sys.executable, "-m", "caller.cli", "simulate", "--trace", str(trace), "--policy", "ours", "--plot", str(picture)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert picture.read_bytes()[:4] == b"\x89PNG"


def test_windows_away_once_a_day_call_nobody_meanwhile_and_the_estimates_error_is_printed_beside_the_staffed_days(
        hall, tmp_path):
    import subprocess
    import sys

    from caller.simulation.policies import absence_schedule
    from tests.conftest import ROOT

    rules = rules_from_hall(hall)
    policy = policies(hall, rules, OUT_OF_SEASON_DAY)["ours"]
    schedule = absence_schedule(policy.windows, 5)
    assert schedule == absence_schedule(policy.windows, 5) != absence_schedule(policy.windows, 6)  # seeded per day
    assert all(1200 <= end - begin <= 2400 for begin, end in schedule.values())
    arrivals = generate_day(5)
    day = simulate_day(arrivals, draw_fates(5, arrivals), policy, rules,
                       {c.id: c.service_minutes * 60 for c in hall.categories}, lunch=schedule)
    for t, window, _number in day.calls:
        begins, ends = schedule[window]
        assert not begins <= t < ends, f"window {window} called at {t} while away"
    run = subprocess.run([sys.executable, "-m", "caller.cli", "simulate", "--days", "2", "--absences", "--policy",
                          "ours"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "窗口临时离开时的预估偏差" in run.stdout and "（全天在岗：" in run.stdout
    trace = tmp_path / "day.csv"
    write_trace(trace, arrivals)
    # a recorded day too: before, --absences was silently ignored with --trace
    replayed = subprocess.run([sys.executable, "-m", "caller.cli", "simulate", "--trace", str(trace), "--absences",
                               "--policy", "ours"], capture_output=True, text=True, cwd=ROOT)
    assert replayed.returncode == 0 and "（全天在岗：" in replayed.stdout, replayed.stderr


def test_remote_numbers_are_called_only_once_their_citizens_came_in_and_nobody_is_lost(hall):
    """远程取号 on the simulator (tests/bench/remote_day.py): a fifth of the citizens take their number from the phone
    and one in ten of those comes in late. Our rule never calls one before they came in; a naive hall does."""
    from caller.simulation.generator import with_remote

    rules = rules_from_hall(hall)
    ours = policies(hall, rules, OUT_OF_SEASON_DAY)["ours"]
    mean = {c.id: c.service_minutes * 60.0 for c in hall.categories}
    day = generate_day(8)
    remote_day = with_remote(day, 8, lead_min=(10, 40))
    taken = [a for a in remote_day if a.taken_s is not None]
    assert 0.17 < len(taken) / len(day) < 0.23 and 0.05 < sum(a.late_s > 0 for a in taken) / len(taken) < 0.16
    assert {i for i, a in enumerate(with_remote(day, 8, late_share=0.0, lead_min=(10, 40))) if a.taken_s} == \
        {i for i, a in enumerate(remote_day) if a.taken_s}  # the same citizens, late or not
    fates = draw_fates(8, day)
    result = simulate_day(remote_day, fates, ours, rules, mean, remote="arrival", grace=hall.phone.arrival_grace)
    assert len(result.tickets) == len(day)
    assert all(r.first_call_s is not None or r.abandoned for r in result.tickets)  # served or left: none lost
    remote = [r for r in result.tickets if r.remote]
    assert len(remote) == len(taken) and all(r.first_call_s >= r.arrival_s for r in remote if r.first_call_s)
    assert result.wasted_calls == 0 and any(r.lapsed for r in remote)
    naive = simulate_day(remote_day, fates, ours, rules, mean, remote="naive")
    assert naive.wasted_calls > 0 and not any(r.lapsed for r in naive.tickets)
    assert all(r.first_call_s is not None or r.abandoned for r in naive.tickets)
