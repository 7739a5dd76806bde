"""好差评 endpoints: rate a finished service (by the slip's code, or at the window's paired evaluator tablet),
the tablet's view of its window, pairing a tablet, the phone page's view of a ticket, and the aggregates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import Forbidden, principal, require, require_window
from caller.api.schemas import FreeText, Problem, Text
from caller.auth import Principal, Role
from caller.ratings.book import RatingBook
from caller.ratings.pairing import Pairing
from caller.ratings.rules import LEVEL_NAMES, MAX_REASONS, REASONS, Invalid

router = APIRouter(prefix="/api/v1", tags=["ratings"])
ERRORS = {code: {"model": Problem} for code in (400, 401, 403, 404, 409, 422)}


async def get_book(request: Request) -> RatingBook:
    return request.app.state.ratings


def get_pairing(request: Request) -> Pairing:
    return request.app.state.pairing


def optional_principal(request: Request) -> Principal | None:
    return principal(request) if request.headers.get("authorization") else None


Book = Annotated[RatingBook, Depends(get_book)]


class RateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Text | None = Field(default=None, max_length=256, description="the slip's code (its QR): the phone page")
    ticket: Text | None = Field(default=None, max_length=24, description="at a tablet: the ticket it shows, so a stale "
                                "screen cannot rate the next citizen's service")
    level: int = Field(strict=True, ge=1, le=5, description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意 "
                       "(a whole number: not true, \"5\" or 4.0)")
    reasons: list[Text] = Field(default_factory=list, max_length=MAX_REASONS,
                                description="reason classes (GET /ratings/reasons); 2 and 1 need one, or a text")
    reason: FreeText | None = Field(default=None, max_length=200,
                                    description="a few words; needed for 'other'. ID and phone numbers are masked")


class RatingOut(BaseModel):
    number: str
    category: str
    window: int | None
    level: int
    level_name: str
    reasons: list[str]
    rated_at: str


class LastServiceOut(BaseModel):
    ticket: str
    number: str
    category: str
    category_name: str
    finished_at: str
    rated: bool
    staff: str | None = Field(description="who served: the tablet shows it to the citizen")


class AggregateOut(BaseModel):
    key: str
    count: int
    levels: dict[str, int]
    mean: float
    satisfied_share: float


class ReasonOut(BaseModel):
    id: str
    name: str


class PairBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    window: int = Field(strict=True, ge=1)
    code: Text = Field(min_length=6, max_length=6, pattern=r"^\d{6}$")


class PairingOut(BaseModel):
    code: str = Field(description="six digits the window's tablet is given once; void after 10 minutes or 5 tries")
    expires_at: str


class EvaluatorOut(BaseModel):
    token: str = Field(description="the tablet keeps it (never in an address) and sends it as a bearer token")
    window: int


class CodeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Text = Field(min_length=1, max_length=256, description="the slip's code (what its QR carries)")


@router.post("/ratings", status_code=201, response_model=RatingOut, responses=ERRORS)
def rate(body: RateBody, book: Book, request: Request,
         who: Annotated[Principal | None, Depends(optional_principal)]) -> RatingOut:
    """一事一评, once per finished service. The right to rate comes from the slip's `code` (the citizen's phone),
    or from the window's evaluator token, which rates only the service its window finished last. A ticket id
    alone, which boards and counters see, rates nothing."""
    if who is not None and who.role is Role.EVALUATOR:
        rating = book.rate_at_window(who.window, body.level, body.reasons, body.reason, body.ticket)
    elif body.code:
        rating = book.rate_by_code(body.code, body.level, body.reasons, body.reason)
    else:
        raise Forbidden("rating_needs_code", "请扫描号票上的二维码或在窗口评价器上评价 / rate with the slip's QR code "
                        "or at the window's evaluator")
    if book.export is not None and book.export.poster is not None:
        request.app.state.hub.run_soon(book.export.send_due)  # to the 好差评 platform now, not at the next check
    return RatingOut(number=rating.number, category=rating.category, window=rating.window, level=rating.level,
                     level_name=LEVEL_NAMES[rating.level], reasons=list(rating.reasons),
                     rated_at=book.hall.local(rating.rated_at).isoformat())


@router.get("/ratings/export", responses=ERRORS, dependencies=[Depends(require(Role.ADMIN))])
def ratings_export(book: Book, day_from: dt.date = Query(alias="from"), day_to: dt.date = Query(alias="to")) -> list[dict]:
    """Every rating of the days in the shape the provincial 好差评 platform takes (per service: `service_id`,
    `case_no`, `matter`, `window`, `staff`, `level`, `reason_classes`, `channel`, `rated_at`), each with its
    `delivery` to the configured platform (`pending`, `sent`, or `failed` after the last retry)."""
    if day_to < day_from or (day_to - day_from).days > 366:
        raise Invalid("invalid_range", "日期范围有误（最多 366 天） / `from`–`to` is not a range of at most 366 days")
    return book.export.listed(day_from, day_to) if book.export else []


@router.get("/ratings/reasons", response_model=list[ReasonOut])
def rating_reasons() -> list[ReasonOut]:
    """The reason classes a 不满意 or 非常不满意 rating picks from."""
    return [ReasonOut(id=code, name=name) for code, name in REASONS.items()]


@router.get(
    "/windows/{number}/last-service",
    response_model=LastServiceOut,
    responses={**ERRORS, 204: {"description": "nothing finished at this window today"}},
)
def last_service(number: int, book: Book,
                 who: Annotated[Principal, Depends(require(Role.DISPLAY, Role.COUNTER, Role.EVALUATOR))]
                 ) -> LastServiceOut | Response:
    """The evaluator tablet facing the citizen: the service this window finished last, who served, whether rated."""
    if who.role is Role.EVALUATOR and who.window != number:
        raise Forbidden("wrong_window", f"此评价器属于 {who.window} 号窗口 / this evaluator belongs to window {who.window}")
    last = book.last_service(number)
    if last is None:
        return Response(status_code=204)
    category = book.hall.category(last.category)
    return LastServiceOut(ticket=last.ticket_id, number=last.number, category=last.category,
                          category_name=category.name if category else last.category,
                          finished_at=book.hall.local(last.finished_at).isoformat(), rated=last.rated,
                          staff=last.staff)


@router.post("/windows/{number}/evaluator-pairing", status_code=201, response_model=PairingOut, responses=ERRORS)
def offer_pairing(number: int, request: Request,
                  who: Annotated[Principal, Depends(require(Role.COUNTER))]) -> PairingOut:
    """A one-time code for pairing this window's evaluator tablet (shown on the counter console)."""
    require_window(number, who)
    code, expires = get_pairing(request).offer(number)
    return PairingOut(code=code, expires_at=request.app.state.service.hall.local(expires).isoformat())


@router.post("/evaluators", status_code=201, response_model=EvaluatorOut, responses=ERRORS)
def pair_evaluator(body: PairBody, request: Request) -> EvaluatorOut:
    """The tablet sends the window's code once and gets its evaluator token."""
    return EvaluatorOut(token=get_pairing(request).pair(body.window, body.code), window=body.window)


@router.get("/ratings/summary", response_model=list[AggregateOut], responses=ERRORS,
            dependencies=[Depends(require(Role.ADMIN))])
def ratings_summary(book: Book, by: Literal["window", "category", "day", "staff"] = "window",
                    day_from: dt.date | None = Query(default=None, alias="from"),
                    day_to: dt.date | None = Query(default=None, alias="to")) -> list[AggregateOut]:
    """Aggregates for the hall manager: count per level, mean level and the share 基本满意 or better."""
    today = book.hall.service_day(book.tx.clock())
    rows = book.summary(by, day_from or today, day_to or today)
    return [AggregateOut(key=a.key, count=a.count, levels={str(k): v for k, v in a.levels.items()}, mean=a.mean,
                         satisfied_share=a.satisfied_share) for a in rows]
