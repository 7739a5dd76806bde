"""The manager's figures over HTTP: JSON for a county system or a script, and the same as XLSX or CSV."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from caller.api.deps import require
from caller.api.schemas import Problem
from caller.auth import Role
from caller.reports.book import ReportBook
from caller.reports.charts import write_png
from caller.reports.export import csv_text, write_xlsx

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 422)}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_book(request: Request) -> ReportBook:
    return request.app.state.reports


Book = Annotated[ReportBook, Depends(get_book)]
First = Annotated[dt.date, Query(alias="from", description="the first service day, YYYY-MM-DD")]
Last = Annotated[dt.date, Query(alias="to", description="the last service day, YYYY-MM-DD (at most 366 days)")]


ANSWERS = {200: {"description": "the report: JSON (total, by_category, by_window, by_staff, by_hour, busy_spread), "
                 "or the XLSX / CSV file", "content": {"application/json": {}, XLSX: {}, "text/csv": {}, "image/png": {}}}}


@router.get("", responses={**ERRORS, **ANSWERS}, dependencies=[Depends(require(Role.ADMIN))])
def stats(first: First, last: Last, book: Book,
          format: Annotated[Literal["json", "xlsx", "csv", "png"], Query()] = "json") -> Response:  # noqa: A002
    """Figures of the days `from`–`to`: issued, served, no-shows, transfers, abandoned, waits (mean, p50, p90,
    max, share over the hall's threshold) and handling times, in total and by category, window (with its open
    and busy time and utilisation), staff member and hour of issue; and the 忙闲 index of windows that serve the
    same matters. `format=xlsx` or `csv` gives the same as a file, `png` as charts (waits by hour, load by window, 好差评 by
    day)."""
    report = book.report(first, last)
    name = f"onewindow-{first:%Y%m%d}-{last:%Y%m%d}"
    if format == "csv":
        return Response(csv_text(report).encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if format in ("xlsx", "png"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"report.{format}"
            (write_xlsx if format == "xlsx" else write_png)(report, path)
            data = path.read_bytes()
        return Response(data, media_type=XLSX if format == "xlsx" else "image/png",
                        headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'})
    body = dataclasses.asdict(report) | {"first": first.isoformat(), "last": last.isoformat()}
    return Response(json.dumps(body, ensure_ascii=False).encode(), media_type="application/json")


@router.get("/now", responses=ERRORS, dependencies=[Depends(require(Role.DESK))])
def monitor_now(request: Request) -> dict:
    """The live monitor (a desk or manager session, or admin): per category the waiting, the oldest wait and the
    estimate; per window its state, who is signed in, the ticket and how long it has run; today so far (the
    report's figures and the ratings); and the alerts: waits over the threshold, services running over twice
    their expected time, tidal advice, help requests nobody took, device faults. Ages are in seconds by the
    caller's clock. The page refetches it when an event arrives (at most every 2 s), not on a timer."""
    return request.app.state.monitor.view()
