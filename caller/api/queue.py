"""Read-only views of the hall: categories with their guides, and the live queue."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from caller.api.deps import HallDep, Service, require
from caller.api.schemas import (
    CategoryOut,
    Problem,
    QueueCategoryOut,
    QueueOut,
    category_out,
    window_out,
)
from caller.auth import Role

router = APIRouter(prefix="/api/v1", tags=["hall"])


@router.get("/categories", response_model=list[CategoryOut])
def categories(service: Service, hall: HallDep) -> list[CategoryOut]:
    """Categories with waiting counts, the estimated wait for a new ticket, and the service guide."""
    return [category_out(hall, view) for view in service.categories()]


@router.get(
    "/queue",
    response_model=QueueOut,
    responses={401: {"model": Problem}, 403: {"model": Problem}},
    dependencies=[Depends(require(Role.DISPLAY, Role.COUNTER, Role.KIOSK))],
)
def queue(service: Service, hall: HallDep) -> QueueOut:
    """Waiting counts per category and every window's state and current ticket.

    `last_event_id` is consistent with the snapshot: stream events from it to stay in sync.
    """
    snapshot = service.queue()
    return QueueOut(
        hall=hall.hall.id,
        categories=[QueueCategoryOut(id=c.id, name=c.name, waiting=c.waiting, estimated_wait_s=c.estimated_wait_s,
                                     served_now=c.served_now) for c in snapshot.categories],
        windows=[window_out(hall, view) for view in snapshot.windows],
        last_event_id=snapshot.last_event_id,
    )
