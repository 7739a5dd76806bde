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
        ("好差评", [("day", "日期"), ("count", "评价数"), ("mean_level", "平均分(5分制)"), ("dissatisfied", "不满意")],
         list(report.ratings_by_day)),
        ("差评明细", [("day", "日期"), ("number", "号码"), ("window", "窗口"), ("staff", "工作人员"), ("level", "评价"),
                     ("reasons", "原因"), ("reason", "说明"), ("follow_up", "跟进情况")], list(report.bad_ratings)),
    ]


def write_xlsx(report: Report, path: Path) -> None:
    book = Workbook()
    book.remove(book.active)
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
