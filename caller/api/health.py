"""Liveness and readiness: the process answers (live), and its database answers reads and takes writes (ready).

A load balancer or supervisor asks `/health/ready` (503 while not ready) or `/health/live` (200 while the
process runs); `/health` gives the whole picture. The write probe runs at most every `PROBE_EVERY_S`.
"""

from __future__ import annotations

import threading
import time
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from caller.api.deps import Service
from caller.queue.clock import SteadyClock
from caller.storage.database import StorageState

router = APIRouter(prefix="/api/v1/health", tags=["hall"])
PROBE_EVERY_S = 2.0


class DatabaseOut(BaseModel):
    readable: bool
    writable: bool
    error: str | None = Field(description="when not both: full, read_only, unreachable, missing (the schema or the "
                                          "database), failing, or not_migrated; the caller's log says more")


class ClockOut(BaseModel):
    offset_s: float = Field(description="the caller's time less the machine's wall clock: 0 unless the wall clock "
                                        "stepped and the caller is catching up")
    steps: int = Field(description="wall-clock steps seen since the caller started")


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    live: bool = Field(description="the process answers")
    ready: bool = Field(description="the schema is in place and the database answers reads and takes writes")
    database: DatabaseOut
    clock: ClockOut | None = None
    hall: str
    time: str


class LiveOut(BaseModel):
    live: bool


class Readiness:
    """The latest probe of the database, taken again when older than `every_s` (one probe at a time)."""

    def __init__(self, every_s: float = PROBE_EVERY_S):
        self.every_s = every_s
        self._lock = threading.Lock()
        self._state: StorageState | None = None
        self._at = 0.0

    def state(self, service) -> StorageState:  # noqa: ANN001
        with self._lock:
            if self._state is None or time.monotonic() - self._at >= self.every_s:
                self._state = service.db.probe(service.tx.clock())
                self._at = time.monotonic()
            return self._state


def _health(request: Request, service) -> HealthOut:  # noqa: ANN001
    state = request.app.state.readiness.state(service)
    migrated = request.app.state.stage["migrated"]
    ready = migrated and state.readable and state.writable
    clock = service.tx.clock
    return HealthOut(
        status="ok" if ready else "degraded",
        live=True,
        ready=ready,
        database=DatabaseOut(readable=state.readable, writable=state.writable,
                             error=state.error or (None if migrated else "not_migrated")),
        clock=ClockOut(offset_s=round(clock.offset().total_seconds(), 1), steps=clock.steps)
        if isinstance(clock, SteadyClock) else None,
        hall=service.hall.hall.id,
        time=service.hall.local(clock()).isoformat(),
    )


@router.get("", response_model=HealthOut, responses={503: {"model": HealthOut, "description": "not ready"}})
def health(request: Request, service: Service) -> HealthOut | JSONResponse:
    """Liveness and readiness together: 200 when ready, 503 (same body) when the database cannot serve."""
    body = _health(request, service)
    return body if body.ready else JSONResponse(body.model_dump(), status_code=503)


@router.get("/ready", response_model=HealthOut, responses={503: {"model": HealthOut, "description": "not ready"}})
def health_ready(request: Request, service: Service) -> HealthOut | JSONResponse:
    """Readiness: 200 while the database answers reads and takes writes, else 503."""
    return health(request, service)


@router.get("/live", response_model=LiveOut)
def health_live() -> LiveOut:
    """Liveness: the process answers. Never touches the database."""
    return LiveOut(live=True)
