import datetime as dt
import subprocess
import sys
import tomllib

import pytest

from caller.hall import HallConfigError, WindowKind, load_hall, parse_hall
from tests.conftest import ROOT

SAMPLE = ROOT / "config" / "hall.toml"


def sample_raw() -> dict:
    return tomllib.loads(SAMPLE.read_text(encoding="utf-8"))


def problems_of(raw: dict) -> dict[str, str]:
    with pytest.raises(HallConfigError) as err:
        parse_hall(raw)
    return {p.key: p.message for p in err.value.problems}


def test_the_sample_hall_matches_the_bench_layout(hall):
    assert [c.prefix for c in hall.categories[:8]] == list("ABCDEFGH")
    assert [w.number for w in hall.windows] == list(range(1, 17))
    assert hall.window(16).kind is WindowKind.ISSUING and hall.serves(hall.window(16)) == {"chujian"}  # 统一出件
    assert "chujian" not in hall.serves(hall.window(1)) and hall.cases.pickup_category == "chujian"
    assert hall.serves(hall.window(7)) == {"shebao", "yibao"}
    assert hall.serves(hall.window(11)) == {"budongchan"}
    assert hall.window(12).kind is WindowKind.TIDAL
    assert hall.serves(hall.window(14)) == {"daiban"}  # 帮办代办 serves its own 代办 tickets
    assert "daiban" not in hall.serves(hall.window(1)) and "zixun" in hall.serves(hall.window(1))  # not by "*"
    assert hall.head_start("green") == dt.timedelta(minutes=20)
    assert hall.head_start("appointment") == dt.timedelta(minutes=10)
    assert hall.head_start("transferred") == dt.timedelta(minutes=10)


def test_every_problem_is_reported_at_once_with_its_key():
    raw = sample_raw()
    raw["categories"][1]["prefix"] = "A"  # repeats shebao's prefix
    raw["categories"][2]["service_minutes"] = -3
    raw["windows"][6]["serves"] = ["shebao", "nonexistent"]
    raw["windows"][12]["seasons"] = [{"from": "13-01", "to": "12-31"}]
    raw["hours"]["issue_until"] = "18:00"
    del raw["priorities"]["green"]
    problems = problems_of(raw)
    assert "categories[1].prefix" in problems and "repeats" in problems["categories[1].prefix"]
    assert "categories[2].service_minutes" in problems
    assert problems["windows[6].serves[1]"] == "unknown category 'nonexistent'"
    assert "windows[12].seasons[0].from" in problems
    assert "hours.issue_until" in problems
    assert problems["priorities.green"] == "missing priority class"


def test_unknown_keys_and_wrong_types_are_problems_too():
    raw = sample_raw()
    raw["windows"][0]["colour"] = "red"
    raw["windows"][1]["number"] = "two"
    raw["hall"]["timezone"] = "Mars/Olympus"
    problems = problems_of(raw)
    assert "windows[0].colour" in problems
    assert "windows[1].number" in problems
    assert "unknown time zone" in problems["hall.timezone"]


def test_a_category_no_window_serves_is_a_problem():
    raw = sample_raw()
    for window in raw["windows"]:
        window["serves"] = [c for c in window["serves"] if c not in ("*", "gongzhang")] or ["shebao"]
    problems = problems_of(raw)
    assert problems["categories[6]"] == "no window serves category 'gongzhang'"


def test_a_category_only_named_windows_take_is_not_served_by_a_star_window():
    raw = sample_raw()
    raw["windows"] = [w for w in raw["windows"] if w["number"] != 14]  # no help window left to name 代办
    daiban = next(i for i, c in enumerate(raw["categories"]) if c["id"] == "daiban")
    assert problems_of(raw) == {f"categories[{daiban}]": "no window serves category 'daiban'"}


def test_issuing_follows_hours_days_and_holidays(hall):
    shanghai = hall.zone
    monday = dt.datetime(2026, 11, 23, 8, 29, tzinfo=shanghai)
    assert not hall.is_issuing(monday)
    assert hall.is_issuing(monday.replace(minute=30))
    assert hall.is_issuing(monday.replace(hour=16, minute=29))
    assert not hall.is_issuing(monday.replace(hour=16, minute=30))
    assert not hall.is_issuing(dt.datetime(2026, 11, 22, 10, 0, tzinfo=shanghai))  # Sunday
    raw = sample_raw()
    raw["hours"]["closed_dates"] = ["2026-11-23"]
    raw["hours"]["open_dates"] = ["2026-11-22"]
    holiday = parse_hall(raw)
    assert not holiday.is_issuing(monday.replace(hour=10))
    assert holiday.is_issuing(dt.datetime(2026, 11, 22, 10, 0, tzinfo=shanghai))


def test_the_service_day_turns_at_local_midnight(hall):
    late = dt.datetime(2026, 11, 23, 15, 59, tzinfo=dt.timezone.utc)  # 23:59 in Shanghai
    assert hall.service_day(late) == dt.date(2026, 11, 23)
    assert hall.service_day(late + dt.timedelta(minutes=1)) == dt.date(2026, 11, 24)


def test_a_seasonal_window_follows_its_calendar_even_over_new_year(hall):
    seasonal = hall.window(13)
    assert hall.window_in_season(seasonal, dt.date(2026, 9, 1))
    assert hall.window_in_season(seasonal, dt.date(2026, 12, 31))
    assert not hall.window_in_season(seasonal, dt.date(2026, 8, 31))
    raw = sample_raw()
    raw["windows"][12]["seasons"] = [{"from": "12-01", "to": "02-28"}]
    winter = parse_hall(raw)
    assert winter.window_in_season(winter.window(13), dt.date(2027, 1, 15))
    assert not winter.window_in_season(winter.window(13), dt.date(2027, 3, 1))


def test_check_config_prints_every_problem_and_fails(tmp_path):
    broken = SAMPLE.read_text(encoding="utf-8").replace('prefix = "B"', 'prefix = "A"').replace(
        'serves = ["gongzhang"]', 'serves = ["gongzhang", "nowhere"]'
    )
    path = tmp_path / "hall.toml"
    path.write_text(broken, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "caller.cli", "check-config", str(path)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "2 problem(s)" in run.stderr
    assert "categories[1].prefix" in run.stderr
    assert "unknown category 'nowhere'" in run.stderr
    ok = subprocess.run([sys.executable, "-m", "caller.cli", "check-config", str(SAMPLE)], capture_output=True, text=True)
    assert ok.returncode == 0 and "11 categories, 16 windows" in ok.stdout


def test_a_file_that_is_not_toml_is_one_clear_problem(tmp_path):
    path = tmp_path / "hall.toml"
    path.write_text("[hall\nname = 1", encoding="utf-8")
    with pytest.raises(HallConfigError) as err:
        load_hall(path)
    assert err.value.problems[0].key == "<file>"
    assert "not valid TOML" in err.value.problems[0].message


@pytest.mark.parametrize("url", ["http://127.0.0.1:8300", "http://localhost/yc", "https://[::1]/", "ftp://hall.example",
                                 "https://hall.example/t?x=1"])
def test_the_public_address_must_be_one_a_phone_can_reach(url):
    raw = sample_raw()
    raw["hall"]["public_url"] = url
    assert "hall.public_url" in problems_of(raw)


def test_a_public_address_is_kept_without_its_trailing_slash():
    raw = sample_raw()
    raw["hall"]["public_url"] = "https://zwfw.example.gov.cn/yichuang/"
    assert parse_hall(raw).hall.public_url == "https://zwfw.example.gov.cn/yichuang"
