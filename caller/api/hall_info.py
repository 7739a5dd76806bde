"""The hall as kiosks and boards need it (name, hours, whether tickets are issued now, the 24-hour zone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from caller.api.deps import HallDep, Service, principal
from caller.api.schemas import Problem
from caller.auth import Principal

router = APIRouter(prefix="/api/v1", tags=["hall"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 422)}


class SelfServiceOut(BaseModel):
    enabled: bool
    name: str
    notice: str


class HallOut(BaseModel):
    id: str
    name: str
    timezone: str = Field(description="the hall's time zone: kiosks, boards and pages show times in it")
    now: str = Field(description="the caller's time, in the hall's zone: terminals keep their clocks by it")
    issuing_now: bool
    issue_from: str
    issue_until: str
    next_issuing_day: str | None = Field(description="today if tickets are still to be issued today, else the next working day")
    appointment_days_ahead: int
    self_service: SelfServiceOut
    public_url: str | None = Field(description="where phones reach the public pages (the slip's QR code); null: "
                                   "not configured, and kiosks print no QR code")
    demo: bool = Field(description="demo mode (./dev hall): a kiosk may point the QR code at the caller itself")
    pickup_category: str | None = Field(default=None, description="统一出件: the kiosk asks for the pick-up code, "
                                        "the case QR or the ID card before it issues a ticket of this category")
    remote: dict[str, str] = Field(default_factory=dict, description="远程取号: the matters a number may be taken for "
                                   "from the phone right now, each with its latest time (HH:MM)")


@router.get("/hall", response_model=HallOut)
def hall_info(hall: HallDep, service: Service, request: Request) -> HallOut:
    """No token needed: what a kiosk shows at the top and how it decides between day and 24-hour mode."""
    now = service.tx.clock()
    next_day = hall.next_issuing_day(now)
    return HallOut(
        id=hall.hall.id,
        name=hall.hall.name,
        timezone=hall.hall.timezone,
        now=hall.local(now).isoformat(),
        issuing_now=hall.is_issuing(now) or not service.enforce_hours,
        issue_from=f"{hall.hours.issue_from:%H:%M}",
        issue_until=f"{hall.hours.issue_until:%H:%M}",
        next_issuing_day=next_day.isoformat() if next_day else None,
        appointment_days_ahead=hall.appointments.days_ahead,
        self_service=SelfServiceOut(**hall.self_service.model_dump()),
        public_url=hall.hall.public_url,
        demo=request.app.state.settings.demo,
        pickup_category=hall.cases.pickup_category,
        remote={matter: f"{rule.until or hall.hours.issue_until:%H:%M}" for matter, rule in hall.phone.remote.items()
                if hall.is_issuing(now) and hall.local(now).time() < (rule.until or hall.hours.issue_until)},
    )


class WhoAmIOut(BaseModel):
    role: str
    window: int | None
    label: str | None


@router.get("/whoami", response_model=WhoAmIOut, responses=ERRORS)
def whoami(who: Annotated[Principal, Depends(principal)]) -> WhoAmIOut:
    """What a token is: the counter console signs in with it and learns its window."""
    return WhoAmIOut(role=who.role.value, window=who.window, label=who.label)
