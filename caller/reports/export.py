"""A report as files a Chinese office takes: XLSX (a sheet per table, Chinese headers, the header row frozen;
openpyxl) and CSV (every table, one after another, the table named in the first column; UTF-8 with BOM for
Excel)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from caller.ratings.rules import LEVEL_NAMES
from caller.reports.book import Report

FIGURES = [("issued", "取号"), ("served", "办结"), ("no_show", "过号"), ("transferred", "转办"), ("abandoned", "放弃"),
           ("wait_mean_s", "平均等候(秒)"), ("wait_p50_s", "等候中位数(秒)"), ("wait_p90_s", "等候P90(秒)"),
           ("wait_max_s", "最长等候(秒)"), ("wait_over_threshold", "超时等候占比"),
           ("handling_mean_s", "平均办理(秒)"), ("handling_p90_s", "办理P90(秒)")]


def tables(report: Report) -> list[tuple[str, list[tuple[str, str]], list[dict]]]:
    """(sheet name, [(key, Chinese header)], rows) of each table."""
    return [
        ("总览", [("period", "统计期间"), *FIGURES],
         [{"period": f"{report.first:%Y-%m-%d} 至 {report.last:%Y-%m-%d}", **report.total}]),
        ("按事项", [("name", "事项"), *FIGURES], report.by_category),
        ("按窗口", [("name", "窗口"), *FIGURES, ("open_s", "登录时长(秒)"), ("busy_s", "办理时长(秒)"),
                   ("utilisation", "利用率")], report.by_window),
        ("按人员", [("staff", "工作人员"), ("signed_in_h", "登录时长(时)"),
                   *[f for f in FIGURES if f[0] in ("served", "handling_mean_s", "handling_p90_s")],
                   *[(name, name) for name in LEVEL_NAMES.values()]], report.by_staff),
        ("按时段", [("hour", "取号时段(时)"), ("issued", "取号"), *FIGURES[5:10]], report.by_hour),
        ("忙闲", [("windows", "同类窗口"), ("spread", "利用率差(忙闲指数)")],
         [{"windows": "、".join(str(w) for w in g["windows"]), "spread": g["spread"]} for g in report.busy_spread]),
        ("潮汐候鸟窗口", [("window", "窗口"), ("openings", "开放次数"), ("open_s", "开放时长(秒)"),
                       ("wait_before_s", "开放前30分钟平均等候(秒)"), ("wait_after_s", "开放后30分钟平均等候(秒)")],
         list(report.tidal)),
        ("好差评", [("day", "日期"), ("count", "评价数"), ("mean_level", "平均分(5分制)"), ("dissatisfied", "不满意")],
         list(report.ratings_by_day)),
        ("差评明细", [("day", "日期"), ("number", "号码"), ("window", "窗口"), ("staff", "工作人员"), ("level", "评价"),
                     ("reasons", "原因"), ("reason", "说明"), ("follow_up", "跟进情况")], list(report.bad_ratings)),
        ("办件", [("kind_name", "类型"), ("received", "受理"), ("decided_on_time", "按时办结"),
                 ("decided_late", "超时办结"), ("overdue_open", "超时未办结"), ("picked_up", "已领取"),
                 ("mailed", "已邮寄")], list(report.cases)),
    ]


def worksheet_rows(report: Report) -> list[tuple[str, object]]:
    """运行工作表: the month's key figures, as the centre's office asks for them."""
    t, minutes = report.total, (lambda s: None if s is None else round(s / 60, 1))
    ratings = list(report.ratings_by_day)
    count = sum(r["count"] for r in ratings)
    mean = round(sum(r["mean_level"] * r["count"] for r in ratings) / count, 2) if count else None
    spread = max((g["spread"] for g in report.busy_spread), default=None)
    return [("取号总数（件）", t["issued"]), ("办结（件）", t["served"]), ("过号（次）", t["no_show"]),
            ("转办（次）", t["transferred"]), ("未办离开（件）", t["abandoned"]),
            ("平均等候（分钟）", minutes(t["wait_mean_s"])), ("九成群众等候不超过（分钟）", minutes(t["wait_p90_s"])),
            (f"等候超过 {round(report.threshold_s / 60)} 分钟的占比", t["wait_over_threshold"]),
            ("平均办理（分钟）", minutes(t["handling_mean_s"])), ("评价（条）", count), ("评价平均分（5 分制）", mean),
            ("不满意评价（条）", len(report.bad_ratings)), ("忙闲指数（同类窗口利用率最大差）", spread),
            ("潮汐、候鸟窗口开放（次）", sum(w["openings"] for w in report.tidal)),
            ("受理办件（件）", sum(c["received"] for c in report.cases)),
            ("超时办结（件）", sum(c["decided_late"] for c in report.cases)),
            ("超时未办结（件）", sum(c["overdue_open"] for c in report.cases))]


def _worksheet(book: Workbook, report: Report) -> None:
    sheet = book.create_sheet("运行工作表")
    sheet.append([f"{report.hall_name} 综合受理窗口运行工作表"])
    sheet.merge_cells("A1:B1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet.append([f"统计期间：{report.first:%Y年%m月%d日} 至 {report.last:%Y年%m月%d日}"])
    sheet.merge_cells("A2:B2")
    sheet.append(["指标", "数值"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in worksheet_rows(report):
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["事项", "取号", "办结", "平均等候（分钟）"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in report.by_category:
        wait = row["wait_mean_s"]
        sheet.append([row["name"], row["issued"], row["served"], None if wait is None else round(wait / 60, 1)])
    sheet.column_dimensions["A"].width = 36
    for column in "BCD":
        sheet.column_dimensions[column].width = 16
    sheet.page_setup.orientation = "portrait"  # printed on one A4 page wide, to send to the centre's office
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def write_xlsx(report: Report, path: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    _worksheet(book, report)
    for name, columns, rows in tables(report):
        sheet = book.create_sheet(name)
        sheet.append([header for _, header in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(key) for key, _ in columns])
        sheet.freeze_panes = "A2"
        for index, (_, header) in enumerate(columns, start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, 2 * len(header) + 2)
    book.save(path)


def csv_text(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for name, columns, rows in tables(report):
        writer.writerow(["表", *[header for _, header in columns]])
        for row in rows:
            writer.writerow([name, *[row.get(key) for key, _ in columns]])
    return out.getvalue()


def write_csv(report: Report, path: Path) -> None:
    path.write_text(csv_text(report), encoding="utf-8-sig")
