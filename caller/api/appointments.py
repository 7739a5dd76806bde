"""预约 endpoints: free slots, booking, a booking's status by its QR code, and check-in for a ticket."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import HallDep, require
from caller.api.schemas import FreeText, Problem, Text, TicketOut, ticket_out
from caller.api.tickets import with_phone_code
from caller.appointments import Appointment, AppointmentBook, Booker
from caller.auth import Principal, Role
from caller.hall import Hall

router = APIRouter(prefix="/api/v1/appointments", tags=["appointments"])
ERRORS = {code: {"model": Problem} for code in (400, 401, 403, 404, 409, 422, 429)}


async def get_book(request: Request) -> AppointmentBook:
    return request.app.state.appointments


Book = Annotated[AppointmentBook, Depends(get_book)]


class SlotOut(BaseModel):
    start: str
    end: str
    free: int


class BookBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: Text = Field(min_length=1, max_length=32)
    slot_start: dt.datetime = Field(description="the slot's start with its time zone, as /slots lists it")
    source: FreeText | None = Field(default=None, max_length=32)
    id_number: Text | None = Field(default=None, min_length=18, max_length=18,
                                   description="real-name booking: the citizen's ID number (stored masked only)")
    phone: Text | None = Field(default=None, min_length=11, max_length=11,
                               description="or a mainland mobile number (stored masked only)")


class CodeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Text = Field(min_length=1, max_length=256, description="what the booking's QR code holds")


class AppointmentOut(BaseModel):
    id: str
    code: str = Field(description="put this in the QR code; a kiosk checks it in")
    category: str
    category_name: str
    slot_start: str
    slot_end: str
    status: str
    ticket_id: str | None


class CheckInOut(BaseModel):
    appointment: AppointmentOut
    ticket: TicketOut


def appointment_out(hall: Hall, book: AppointmentBook, appointment: Appointment) -> AppointmentOut:
    category = hall.category(appointment.category)
    return AppointmentOut(
        id=appointment.id,
        code=book.code(appointment),
        category=appointment.category,
        category_name=category.name if category else appointment.category,
        slot_start=hall.local(appointment.slot_start).isoformat(),
        slot_end=hall.local(appointment.slot_end).isoformat(),
        status=appointment.status.value,
        ticket_id=appointment.ticket_id,
    )


@router.get("/slots", response_model=list[SlotOut], responses=ERRORS)
def appointment_slots(book: Book, hall: HallDep, category: str = Query(max_length=32), day: dt.date = Query()) -> list[SlotOut]:
    """A day's slots of a category that have not ended, with the seats still free."""
    return [
        SlotOut(start=hall.local(s.start).isoformat(), end=hall.local(s.end).isoformat(), free=s.free)
        for s in book.slots(category, day)
    ]


@router.post("", status_code=201, response_model=AppointmentOut, responses=ERRORS)
def book_appointment(body: BookBody, book: Book, hall: HallDep,
                     who: Annotated[Principal, Depends(require(Role.KIOSK))]) -> AppointmentOut:
    """Book a seat in a slot, real-name (an ID number or a mobile number): one booking per matter and
    `per_citizen` not yet used per citizen, `per_source_per_hour` per token (429 past it). The answer's `code`
    goes into the QR code printed or shown to the citizen."""
    booker = Booker(body.id_number, body.phone, who.token_id)
    return appointment_out(hall, book, book.book(body.category, body.slot_start, body.source, booker))


@router.post("/cancel", response_model=AppointmentOut, responses=ERRORS)
def cancel_appointment(body: CodeBody, book: Book, hall: HallDep) -> AppointmentOut:
    """取消预约 by its code (the code is the secret, as for its status): the seat is free again at once."""
    return appointment_out(hall, book, book.cancel(body.code))


class ChangeBody(CodeBody):
    slot_start: dt.datetime = Field(description="the new slot's start with its time zone, as /slots lists it")


@router.post("/change", response_model=AppointmentOut, responses=ERRORS)
def change_appointment(body: ChangeBody, book: Book, hall: HallDep) -> AppointmentOut:
    """改约 by its code, in one step: to another slot of the same matter, keeping the code (the QR stays good); a full
    slot leaves it where it was (409 `slot_full`); checked in or cancelled, 409 `appointment_used` /
    `appointment_cancelled`."""
    return appointment_out(hall, book, book.change(body.code, body.slot_start))


@router.post(
    "/check-in", status_code=201, response_model=CheckInOut, responses=ERRORS, dependencies=[Depends(require(Role.KIOSK))]
)
def check_in(body: CodeBody, book: Book, hall: HallDep, request: Request) -> CheckInOut:
    """预约签到: an on-time booking becomes an appointment ticket, once. Too early, too late, already used,
    cancelled or forged: 4xx with a message the kiosk shows before offering a walk-in ticket."""
    appointment, view = book.check_in(body.code)
    return CheckInOut(appointment=appointment_out(hall, book, appointment),
                      ticket=with_phone_code(request, ticket_out(hall, view)))


@router.get("/{code}", response_model=AppointmentOut, responses=ERRORS)
def appointment_status(code: Annotated[str, Field(max_length=256)], book: Book, hall: HallDep) -> AppointmentOut:
    """A booking's status by its code (the code is the secret: no token needed, no personal data)."""
    return appointment_out(hall, book, book.status(code))
