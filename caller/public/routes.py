"""Proving a mobile number on the public phone pages (no token): a code by SMS, then a phone pass. Numbers and
codes travel in request bodies, never in an address."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from caller.api.appointments import AppointmentOut, appointment_out
from caller.api.qr import qr_svg
from caller.api.deps import client_address
from caller.api.schemas import Problem, Text, TicketOut, ticket_out
from caller.appointments import Booker
from caller.public.verification import PhoneVerification

router = APIRouter(prefix="/api/v1/phone", tags=["phone"])
ERRORS = {code: {"model": Problem} for code in (409, 422, 429, 503)}
Mobile = Annotated[Text, Field(pattern=r"^1[3-9]\d{9}$", description="a mainland mobile number")]


async def get_verification(request: Request) -> PhoneVerification:
    return request.app.state.phone_verification


Verification = Annotated[PhoneVerification, Depends(get_verification)]


class CodeAsk(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: Mobile


class CodeCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: Mobile
    code: Text = Field(pattern=r"^\d{6}$")


@router.post("/code", responses=ERRORS)
def send_code(body: CodeAsk, verification: Verification, request: Request) -> dict:
    """A 6-digit code by SMS, valid 5 minutes. One a minute per number (429 `code_cooldown`), five a day per number
    (429 `code_daily_cap`), twenty a day per address (429 `code_address_cap`), each with Retry-After; 409
    `sms_unavailable` without a gateway; 503 `sms_failed` when the gateway refuses."""
    return verification.send_code(body.phone, client_address(request))


@router.post("/verify", responses=ERRORS)
def verify(body: CodeCheck, verification: Verification) -> dict:
    """The code back: a phone pass (`pass`, 30 minutes) that booking and remote numbers take; 422 `wrong_code`
    (a wrong or expired code; the fifth wrong try burns it)."""
    return verification.verify(body.phone, body.code)


class PhoneBooking(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone_pass: Text = Field(alias="pass", max_length=400, description="the phone pass of /phone/verify")
    category: Text = Field(min_length=1, max_length=32)
    slot_start: dt.datetime = Field(description="the slot's start with its time zone, as /appointments/slots lists it")
    id_number: Text = Field(min_length=18, max_length=18, description="real name: the citizen's ID number (kept "
                            "masked and as a keyed digest)")


class PhoneBookingOut(AppointmentOut):
    qr_svg: str = Field(description="the booking's code as a QR code, for check-in at the kiosk's camera")


@router.post("/bookings", status_code=201, response_model=PhoneBookingOut, responses={**ERRORS, 401: {"model": Problem}})
def book_from_phone(body: PhoneBooking, verification: Verification, request: Request) -> PhoneBookingOut:
    """预约 from the phone page: real-name by ID number, the mobile number proven by its pass (401 `pass_invalid`),
    with the same limits as at the kiosk: one booking per matter and `per_citizen` open bookings per citizen
    (409 `already_booked`, `booking_limit`), a full slot refused (409 `slot_full`). The answer's `code` is the
    booking's QR for check-in at the kiosk, and cancels it."""
    verification.phone_of(body.phone_pass)
    book = request.app.state.appointments
    appointment = book.book(body.category, body.slot_start, "phone", Booker(body.id_number))
    out = appointment_out(book.hall, book, appointment)
    return PhoneBookingOut(**out.model_dump(), qr_svg=qr_svg(out.code))


class RemoteTake(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone_pass: Text = Field(alias="pass", max_length=400, description="the phone pass of /phone/verify")
    category: Text = Field(min_length=1, max_length=32)
    id_number: Text = Field(min_length=18, max_length=18, description="real name: the citizen's ID number (kept "
                            "masked and as a keyed digest)")


class RemoteTicketOut(BaseModel):
    ticket: TicketOut
    code: str = Field(description="the ticket's phone code: the page follows it (/tickets/by-code/follow) and rates "
                      "with it")
    arrival_qr_svg: str = Field(description="the arrival QR for the kiosk's camera (到场确认)")


@router.post("/tickets", status_code=201, response_model=RemoteTicketOut, responses={**ERRORS, 401: {"model": Problem}})
def take_remote(body: RemoteTake, verification: Verification, request: Request) -> RemoteTicketOut:
    """远程取号 during issuing hours, for the matters the hall offers it for (`[phone.remote]`): real-name by ID number,
    the mobile number proven by its pass (401 `pass_invalid`). 409 `remote_not_offered`, `remote_closed` (past the
    matter's latest time), `remote_full` (its remote numbers waiting at once), `remote_held` (this phone holds a
    live one), `remote_daily_cap`, `hall_closed`, `already_queued`. The number is called only once confirmed in the
    hall; its text reminders go to the proven number."""
    phone = verification.phone_of(body.phone_pass)
    remote = request.app.state.remote
    view = remote.take(phone, body.category, body.id_number)
    out = ticket_out(remote.hall, view)
    return RemoteTicketOut(ticket=out, code=remote.codes.code(out.id), arrival_qr_svg=qr_svg(remote.arrival_qr(out.id)))
