"""Proving a mobile number on the public phone pages (no token): a code by SMS, then a phone pass. Numbers and
codes travel in request bodies, never in an address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import client_address
from caller.api.schemas import Problem, Text
from caller.public.verification import PhoneVerification

router = APIRouter(prefix="/api/v1/phone", tags=["phone"])
ERRORS = {code: {"model": Problem} for code in (409, 422, 429, 503)}
Mobile = Annotated[Text, Field(pattern=r"^1[3-9]\d{9}$", description="a mainland mobile number")]


def get_verification(request: Request) -> PhoneVerification:
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
