"""The queue's lane: the citizens' and the counters' queue actions (issue, call, finish…) run on a few threads of
their own, in the order they arrived, each in one hop from the event loop with its token check.

Measured with 8 windows pressing finish-and-call-next at once over HTTP (issue 15, docs/benchmarks.md): FastAPI
ran the token lookup and the action as two hops to a pool of 40 threads, and the threads fighting over Python's
one lock served some requests far later than others. One hop, on 2 threads taken in arrival order, kept the p99
near the median.

Every other request (reports, exports, pages) keeps FastAPI's general pool, so a slow report never holds up a
counter. A lane thread runs one action to its end and never waits for another lane thread, so the lane cannot
deadlock on itself; a transaction inside it may wait on a row another request holds, as anywhere else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Request

from caller.api.deps import bearer_token, may_act, verified
from caller.auth import Principal, Role

T = TypeVar("T")


class Lane:
    """A FIFO limit of `threads` for the queue's actions (one limiter per event loop)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._limiters: dict[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = {}

    def _limiter(self) -> anyio.CapacityLimiter:
        loop = asyncio.get_running_loop()
        limiter = self._limiters.get(loop)
        if limiter is None:  # a new loop (tests run an app on several): its own limiter; closed loops dropped
            self._limiters = {old: lim for old, lim in self._limiters.items() if not old.is_closed()}
            limiter = self._limiters[loop] = anyio.CapacityLimiter(self.threads)
        return limiter

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` on a lane thread, once one is free (in the order asked)."""
        return await anyio.to_thread.run_sync(work, limiter=self._limiter())

    async def act(self, credential: Credential, work: Callable[[Principal], T]) -> T:
        """`work(who)` on a lane thread, `who` being the credential's principal looked up on that same thread."""
        return await self.run(lambda: work(credential.verify()))


async def lane_of(request: Request) -> Lane:  # a coroutine: FastAPI runs a plain function in its pool (a hop)
    return request.app.state.lane


LaneDep = Annotated[Lane, Depends(lane_of)]


class Credential:
    """A bearer token not yet looked up, for an action that looks it up on its lane thread (`verify`).

    A request without a bearer token is refused on the event loop already, before its body is read, as the
    other routes refuse it."""

    def __init__(self, request: Request, roles: tuple[Role, ...]) -> None:
        self.token = bearer_token(request)
        self.request = request
        self.roles = roles

    def verify(self) -> Principal:
        """The token's principal (one indexed read), if its role may act; else 401 or 403, as `require` says."""
        return may_act(verified(self.request, self.token), self.roles)


def credential(*roles: Role) -> Callable[[Request], object]:
    """A dependency (no I/O: on the event loop) giving the request's `Credential` for these roles."""

    async def bearer(request: Request) -> Credential:
        return Credential(request, roles)

    return bearer
