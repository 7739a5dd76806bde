"""好差评 endpoints: rate a finished service, the tablet's view of its window, and the managers' aggregates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import require
from caller.api.schemas import FreeText, Problem, Text
from caller.auth import Role
from caller.ratings.book import LEVEL_NAMES, RatingBook

router = APIRouter(prefix="/api/v1", tags=["ratings"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}


def get_book(request: Request) -> RatingBook:
    return request.app.state.ratings


Book = Annotated[RatingBook, Depends(get_book)]


class RateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket: Text = Field(min_length=1, max_length=24, description="the ticket's public id (the slip's QR holds it)")
    level: int = Field(strict=True, ge=1, le=5, description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意 "
                       "(a whole number: not true, \"5\" or 4.0)")
    reason: FreeText | None = Field(default=None, max_length=200,
                                    description="required for 2 and 1; ID and phone numbers in it are masked")
    channel: Literal["tablet", "phone"] = "phone"


class RatingOut(BaseModel):
    number: str
    category: str
    window: int | None
    level: int
    level_name: str
    rated_at: str


class LastServiceOut(BaseModel):
    ticket: str
    number: str
    category: str
    category_name: str
    finished_at: str
    rated: bool


class AggregateOut(BaseModel):
    key: str
    count: int
    levels: dict[str, int]
    mean: float
    satisfied_share: float


@router.post("/ratings", status_code=201, response_model=RatingOut, responses=ERRORS)
def rate(body: RateBody, book: Book) -> RatingOut:
    """一事一评: rate the ticket's latest finished service, once. No token: the ticket's id is the secret the
    citizen holds (the slip's QR) or the tablet at the window was given."""
    rating = book.rate(body.ticket, body.level, body.reason, body.channel)
    return RatingOut(number=rating.number, category=rating.category, window=rating.window, level=rating.level,
                     level_name=LEVEL_NAMES[rating.level], rated_at=rating.rated_at.isoformat())


@router.get(
    "/windows/{number}/last-service",
    response_model=LastServiceOut,
    responses={**ERRORS, 204: {"description": "nothing finished at this window today"}},
    dependencies=[Depends(require(Role.DISPLAY, Role.COUNTER))],
)
def last_service(number: int, book: Book, response: Response) -> LastServiceOut | Response:
    """The evaluator tablet facing the citizen: the service this window finished last, and whether it was rated."""
    last = book.last_service(number)
    if last is None:
        return Response(status_code=204)
    category = book.hall.category(last.category)
    return LastServiceOut(ticket=last.ticket_id, number=last.number, category=last.category,
                          category_name=category.name if category else last.category,
                          finished_at=last.finished_at.isoformat(), rated=last.rated)


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
