"""The county's routes, above its halls: its view of every hall live (等候, 最长等候, 开放窗口, 告警), the reports
per hall and summed for the county, readiness for the load balancer, and the page (/county). A county-admin token
(`onewindow county token`) reads them; a hall's token — its manager's too — is unknown here."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from caller.api.deps import Unauthorized
from caller.api.pages import WEB
from caller.api.schemas import Problem
from caller.auth import Principal, Role
from caller.reports.figures import Tally

router = APIRouter()
ERRORS = {code: {"model": Problem} for code in (401, 403, 422)}


def county_admin(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    found = request.app.state.county_tokens.verify(token.strip()) if scheme.lower() == "bearer" and token.strip() \
        else None
    if found is None or found.role is not Role.COUNTY_ADMIN:
        raise Unauthorized("unauthorized", "需要县级管理令牌 / a county-admin token is required")
    return found


CountyAdmin = Annotated[Principal, Depends(county_admin)]


class HallLiveOut(BaseModel):
    id: str
    name: str
    path: str = Field(description="where the hall's own pages and API are: /h/<hall id>")
    waiting: int
    oldest_wait_s: int | None = Field(description="the longest wait of anyone waiting now")
    windows_open: int
    windows: int
    served_today: int
    issued_today: int
    alerts: list[str] = Field(description="the hall monitor's alerts, in its words (long waits, devices, help "
                                          "nobody took, cases near or past their limit …)")
    error: str | None = Field(default=None, description="the hall could not be read just now (its database)")


def _live(hall_id: str, hall_app) -> HallLiveOut:  # noqa: ANN001
    hall = hall_app.state.service.hall
    try:
        view = hall_app.state.monitor.view()
    except Exception as exc:  # noqa: BLE001 - one hall unreadable is said, the others still shown
        return HallLiveOut(id=hall_id, name=hall.hall.name, path=f"/h/{hall_id}", waiting=0, oldest_wait_s=None,
                           windows_open=0, windows=len(hall.windows), served_today=0, issued_today=0, alerts=[],
                           error=type(exc).__name__)
    ages = [c["oldest_wait_s"] for c in view["categories"] if c["oldest_wait_s"] is not None]
    return HallLiveOut(id=hall_id, name=hall.hall.name, path=f"/h/{hall_id}",
                       waiting=sum(c["waiting"] for c in view["categories"]), oldest_wait_s=max(ages, default=None),
                       windows_open=sum(w["state"] != "closed" for w in view["windows"]), windows=len(view["windows"]),
                       served_today=view["today"].get("served", 0), issued_today=view["today"].get("issued", 0),
                       alerts=[a["text"] for a in view["alerts"]])


@router.get("/api/v1/county/halls", response_model=list[HallLiveOut], responses=ERRORS, tags=["county"])
async def county_halls(request: Request, who: CountyAdmin) -> list[HallLiveOut]:
    """三级联动 from above: every hall's live state on one page (the hall monitor of each, summed up)."""
    halls = request.app.state.halls
    return list(await asyncio.gather(*(asyncio.to_thread(_live, i, a) for i, a in halls.items())))


class CountyReportOut(BaseModel):
    first: str
    last: str
    halls: list[dict] = Field(description="per hall: id, name and its figures (as the hall's own report's total)")
    county: dict = Field(description="the county: counts added, waits and handling times joined, so the percentiles "
                                     "are the county's own; its waits over the threshold against the strictest "
                                     "hall's")


@router.get("/api/v1/county/report", response_model=CountyReportOut, responses=ERRORS, tags=["county"])
def county_report(request: Request, who: CountyAdmin, first: Annotated[dt.date, Query(alias="from")],
                  last: Annotated[dt.date, Query(alias="to")]) -> CountyReportOut:
    """The manager's figures per hall and summed for the county over days (`from`, `to`; 422 `invalid_range`)."""
    county, rows, thresholds = Tally(), [], []
    for hall_id, hall_app in request.app.state.halls.items():
        hall = hall_app.state.service.hall
        tally = hall_app.state.reports.total(first, last)
        threshold = hall.reports.wait_threshold_minutes * 60
        county.add(tally)
        thresholds.append(threshold)
        rows.append({"id": hall_id, "name": hall.hall.name, **tally.summary(threshold)})
    return CountyReportOut(first=first.isoformat(), last=last.isoformat(), halls=rows,
                           county=county.summary(min(thresholds)))


@router.get("/api/v1/health/ready", tags=["county"])
def county_ready(request: Request) -> JSONResponse:
    """The load balancer's question: 200 while every hall is ready (the one database answers reads and writes)."""
    from caller.api.health import _health

    halls = {}
    for hall_id, hall_app in request.app.state.halls.items():
        scoped = Request({**request.scope, "app": hall_app})
        halls[hall_id] = _health(scoped, hall_app.state.service).ready
    ready = all(halls.values())
    return JSONResponse({"ready": ready, "halls": halls}, status_code=200 if ready else 503)


@router.get("/api/v1/health/live", tags=["county"])
def county_live() -> dict:
    return {"live": True}


@router.get("/county", include_in_schema=False)
def county_page() -> FileResponse:
    """县级总览: every hall live, and the county's report."""
    return FileResponse(WEB / "county.html")
