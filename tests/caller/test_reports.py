"""The manager's figures (issue 12): a hand-made morning with known answers, checked to the second over real HTTP on
SQLite and PostgreSQL; the XLSX and CSV read back; and a generated day on which the report and the simulator
agree."""

import csv
import datetime as dt
import io
import statistics
import warnings

import openpyxl
import pytest

from caller.queue.service import rules_from_hall
from caller.reports.figures import percentile
from caller.simulation.generator import draw_fates, generate_day
from caller.simulation.policies import policies
from caller.simulation.simulator import HALL_OPENS, simulate_day
from caller.staff.rules import StaffRole
from tests.caller.simulation.test_live_equivalence import replay
from tests.caller.test_api import issue, problem
from tests.conftest import MONDAY_9AM

DAY = {"from": "2026-11-23", "to": "2026-11-23"}


def at(clock, hh_mm):
    hours, minutes = map(int, hh_mm.split(":"))
    clock.set(MONDAY_9AM + dt.timedelta(hours=hours - 9, minutes=minutes))


def member(live, staff_no, name, window):
    live.app.state.staff.add(staff_no, name, "402913", frozenset({StaffRole.WINDOW}), None)
    token = live.post("/api/v1/staff/sign-in", json={"staff_no": staff_no, "pin": "402913", "window": window})
    return {"Authorization": "Bearer " + token.json()["token"]}


def known_morning(live, clock):
    """09:00–10:00 at windows 7 and 9: every figure below is worked out by hand from these times."""
    li, wang = member(live, "2001", "李静", 7), member(live, "2002", "王芳", 9)
    at(clock, "09:00")
    live.post("/api/v1/windows/7/open", headers=li)
    a1 = issue(live, "shebao").json()
    at(clock, "09:01")
    issue(live, "yibao")
    at(clock, "09:02")
    a2 = issue(live, "shebao").json()
    at(clock, "09:05")
    assert live.post("/api/v1/windows/7/call-next", headers=li).json()["ticket"]["id"] == a1["id"]  # waited 300 s
    at(clock, "09:06")
    live.post("/api/v1/windows/7/start", headers=li)
    at(clock, "09:16")
    live.post("/api/v1/windows/7/finish", headers=li)  # handled 600 s; window 7 busy 660 s
    live.post("/api/v1/windows/7/call-next", headers=li)  # B001, waited 900 s
    at(clock, "09:20")
    live.post("/api/v1/windows/7/recall", headers=li)
    live.post("/api/v1/windows/7/recall", headers=li)
    at(clock, "09:21")
    live.post("/api/v1/windows/7/no-show", headers=li)  # busy 300 s
    at(clock, "09:23")
    assert live.post("/api/v1/windows/7/call-next", headers=li).json()["ticket"]["id"] == a2["id"]  # 1260 s > 20 min
    at(clock, "09:24")
    live.post("/api/v1/windows/7/start", headers=li)
    at(clock, "09:25")
    a3 = issue(live, "shebao").json()
    at(clock, "09:26")
    live.post(f"/api/v1/tickets/{a3['id']}/cancel", "kiosk")  # abandoned before any call
    at(clock, "09:30")
    live.post("/api/v1/windows/7/transfer", headers=li, json={"category": "budongchan"})  # busy 420 s
    live.post("/api/v1/windows/9/open", headers=wang)
    at(clock, "09:35")
    assert live.post("/api/v1/windows/9/call-next", headers=wang).json()["ticket"]["id"] == a2["id"]
    live.post("/api/v1/windows/9/start", headers=wang)
    at(clock, "09:47")
    live.post("/api/v1/windows/9/finish", headers=wang)  # handled 720 s at window 9
    live.post("/api/v1/ratings", json={"code": a1["phone_code"], "level": 1, "reasons": ["attitude", "slow"],
                                       "reason": "等了很久"})  # A001's service by 李静: 非常不满意
    at(clock, "10:00")
    live.post("/api/v1/windows/7/close", headers=li)  # window 7 open 3600 s; window 9 still open (1800 s by now)


def test_a_known_morning_gives_the_figures_worked_out_by_hand(live, clock):
    known_morning(live, clock)
    answer = live.get("/api/v1/stats", "admin", params=DAY)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    total = report["total"]
    assert (total["issued"], total["served"], total["no_show"], total["transferred"], total["abandoned"]) == (4, 2, 1, 1, 1)
    assert total["wait_mean_s"] == 820.0 and total["wait_p50_s"] == 900.0 and total["wait_p90_s"] == 1260.0
    assert total["wait_max_s"] == 1260.0 and total["wait_over_threshold"] == 0.3333  # 1 of 3 over 20 min
    assert total["handling_mean_s"] == 660.0 and total["handling_p90_s"] == 720.0
    by_category = {row["category"]: row for row in report["by_category"]}
    shebao = by_category["shebao"]
    assert shebao["name"] == "社保" and (shebao["issued"], shebao["served"], shebao["transferred"],
                                         shebao["abandoned"]) == (3, 1, 1, 1)
    assert shebao["wait_mean_s"] == 780.0 and by_category["yibao"]["no_show"] == 1
    assert by_category["budongchan"]["served"] == 1 and by_category["budongchan"]["handling_mean_s"] == 720.0
    windows = {row["window"]: row for row in report["by_window"]}
    assert (windows[7]["open_s"], windows[7]["busy_s"], windows[7]["utilisation"]) == (3600, 1380, 0.3833)
    assert (windows[9]["open_s"], windows[9]["busy_s"], windows[9]["utilisation"]) == (1800, 720, 0.4)
    staff = {row["staff"]: row for row in report["by_staff"]}
    assert staff["李静（2001）"]["served"] == 1 and staff["王芳（2002）"]["handling_mean_s"] == 720.0
    assert staff["李静（2001）"]["signed_in_s"] == 3600 and staff["李静（2001）"]["非常不满意"] == 1  # 考勤, 好差评
    (bad,) = report["bad_ratings"]
    assert (bad["number"], bad["staff"], bad["level"], bad["reasons"], bad["follow_up"]) == (
        "A001", "李静（2001）", "非常不满意", "服务态度不好、办事效率低、等候时间长", "待处理")  # its 整改, opened by the rating
    assert report["ratings_by_day"] == [{"day": "2026-11-23", "count": 1, "mean_level": 1.0, "dissatisfied": 1}]
    assert [(h["hour"], h["issued"]) for h in report["by_hour"]] == [(9, 4)]
    problem(live.get("/api/v1/stats", "admin", params={"from": "2026-11-24", "to": "2026-11-23"}), 422,
            "invalid_range")
    problem(live.get("/api/v1/stats", "admin", params={"from": "2025-01-01", "to": "2026-11-23"}), 422,
            "invalid_range")
    problem(live.get("/api/v1/stats", "admin", params={"from": "23/11/2026", "to": "2026-11-23"}), 422,
            "invalid_request")
    assert live.get("/api/v1/stats", "counter", window=7, params=DAY).status_code == 403


def test_the_report_as_xlsx_and_csv_reads_back_with_chinese_headers(live, clock):
    known_morning(live, clock)
    xlsx = live.get("/api/v1/stats", "admin", params={**DAY, "format": "xlsx"})
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    work = book["运行工作表"]
    assert work["A1"].value == "示例县政务服务中心 综合受理窗口运行工作表" and work.page_setup.fitToWidth == 1
    figures = {row[0]: row[1] for row in work.iter_rows(min_row=4, max_row=17, values_only=True)}
    assert figures["取号总数（件）"] == 4 and figures["平均等候（分钟）"] == 13.7 and figures["不满意评价（条）"] == 1
    assert book.sheetnames == ["运行工作表", "总览", "按事项", "按窗口", "按人员", "按时段", "忙闲", "潮汐候鸟窗口", "好差评", "差评明细",
                               "办件"]
    staff = {row[0]: row for row in book["按人员"].iter_rows(min_row=2, values_only=True)}
    assert staff["李静（2001）"][1] == 1.0 and book["差评明细"]["H2"].value == "待处理"
    sheet = book["按事项"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "事项" and sheet["B1"].value == "取号"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["社保"][1] == 3 and rows["医保"][3] == 1  # 取号, 过号
    windows = {row[0]: row for row in book["按窗口"].iter_rows(min_row=2, values_only=True)}
    assert windows["社保医保 7 号窗"][-1] == 0.3833
    text = live.get("/api/v1/stats", "admin", params={**DAY, "format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["表", "统计期间", "取号"] and rows[1][:3] == ["总览", "2026-11-23 至 2026-11-23", "4"]


def test_onewindow_report_writes_the_xlsx_from_the_database(live, clock, db_url, tmp_path, hall):
    from caller.cli import main

    known_morning(live, clock)
    out = tmp_path / "report.xlsx"
    assert main(["report", "--from", "2026-11-23", "--to", "2026-11-23", "--out", str(out),
                 "--database-url", db_url]) == 0
    assert openpyxl.load_workbook(out)["总览"]["B2"].value == 4
    assert main(["report", "--from", "2026-11-24", "--to", "2026-11-23", "--out", str(out),
                 "--database-url", db_url]) == 2


@pytest.mark.parametrize("seed", [5])
def test_the_report_and_the_simulator_agree_on_a_generated_morning(live, clock, hall, seed):
    rules = rules_from_hall(hall)
    arrivals = [a for a in generate_day(seed) if a.arrival_s < 120 * 60]
    policy = policies(hall, rules, hall.service_day(HALL_OPENS))["ours"]
    day = simulate_day(arrivals, draw_fates(seed, arrivals), policy, rules,
                       {c.id: c.service_minutes * 60 for c in hall.categories})
    replay(live, clock, day.actions)
    total = live.get("/api/v1/stats", "admin", params=DAY).json()["total"]
    waits = [t.first_call_s - t.arrival_s for t in day.tickets if t.first_call_s is not None]
    assert total["issued"] == len(day.tickets) and total["abandoned"] == sum(t.abandoned for t in day.tickets)
    assert total["wait_mean_s"] == round(statistics.fmean(waits), 1)
    assert total["wait_p90_s"] == round(percentile(waits, 90), 1) and total["wait_max_s"] == round(max(waits), 1)


def test_the_charts_are_a_png_with_chinese_drawn_in_the_cjk_font(live, clock, tmp_path):
    import numpy as np
    from matplotlib import font_manager
    from PIL import Image

    from caller.fonts import cjk_font
    from caller.reports.charts import write_png

    known_morning(live, clock)
    png = live.get("/api/v1/stats", "admin", params={**DAY, "format": "png"})
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    image = np.asarray(Image.open(io.BytesIO(png.content)).convert("L"))
    assert image.shape == (1100, 900) and image.std() > 20  # drawn, not blank
    font = cjk_font()
    assert font and "WenQuanYi" in font  # the labels' font has the Chinese glyphs
    assert font_manager.findfont(font, fallback_to_default=False).endswith(".ttc")
    report = live.app.state.reports.report(dt.date(2026, 11, 23), dt.date(2026, 11, 23))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for every character it lacks
        write_png(report, tmp_path / "charts.png")
    assert (tmp_path / "charts.png").stat().st_size > 20_000


def test_a_tidal_window_is_reported_with_its_openings_and_the_wait_before_and_after(live, clock):
    at(clock, "09:00")
    live.post("/api/v1/windows/7/open", "counter", window=7)
    for _ in range(4):
        issue(live, "shebao")
    for called_at, finished_at in (("09:10", "09:15"), ("09:15", "09:25")):
        at(clock, called_at)
        live.post("/api/v1/windows/7/call-next", "counter", window=7)  # waited 600 s, then 900 s
        at(clock, finished_at)
        live.post("/api/v1/windows/7/finish", "counter", window=7)
    live.post("/api/v1/windows/12/open", "counter", window=12)  # the tidal window opens at 09:25
    at(clock, "09:30")
    live.post("/api/v1/windows/12/call-next", "counter", window=12)  # waited 1800 s
    at(clock, "09:31")
    live.post("/api/v1/windows/7/call-next", "counter", window=7)  # waited 1860 s
    at(clock, "10:00")
    live.post("/api/v1/windows/12/finish", "counter", window=12)
    live.post("/api/v1/windows/12/close", "counter", window=12)
    tidal = {row["window"]: row for row in live.get("/api/v1/stats", "admin", params=DAY).json()["tidal"]}
    assert tidal[12] == {"window": 12, "openings": 1, "open_s": 2100, "wait_before_s": 750.0, "wait_after_s": 1830.0}
    assert tidal[13]["openings"] == 0 and tidal[13]["wait_before_s"] is None  # the seasonal window stayed shut


def test_a_finished_day_is_kept_rolled_up_and_reads_back_the_same(live, clock, hall):
    """A day's figures are kept once it has ended (report_days): the next day's report of it, and a range over it
    and today, give what the events gave while the day ran — to the second, percentiles included."""
    from caller.storage import tables as t

    rules = rules_from_hall(hall)
    arrivals = [a for a in generate_day(7) if a.arrival_s < 90 * 60]
    policy = policies(hall, rules, hall.service_day(HALL_OPENS))["ours"]
    day = simulate_day(arrivals, draw_fates(7, arrivals), policy, rules,
                       {c.id: c.service_minutes * 60 for c in hall.categories})
    replay(live, clock, day.actions)
    at(clock, "17:30")
    live_answer = live.get("/api/v1/stats", "admin", params=DAY).json()
    clock.set(MONDAY_9AM + dt.timedelta(days=1))  # Tuesday: Monday has ended
    issue(live, "shebao")
    assert live.app.state.reports.roll_up_recent() == 7  # the periodic check keeps the week's finished days
    with live.app.state.service.db.engine.connect() as conn:
        kept = conn.execute(t.report_days.select()).all()
    assert dt.date(2026, 11, 23) in {row.day for row in kept}
    assert live.get("/api/v1/stats", "admin", params=DAY).json() == live_answer
    both = live.get("/api/v1/stats", "admin", params={"from": "2026-11-23", "to": "2026-11-24"}).json()
    assert both["total"]["issued"] == live_answer["total"]["issued"] + 1
    assert both["total"]["wait_p90_s"] == live_answer["total"]["wait_p90_s"]  # today's one ticket not called yet
    assert both["by_window"] == live_answer["by_window"]
    assert live.app.state.reports.roll_up_recent() == 0  # nothing left to keep
