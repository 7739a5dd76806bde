"""One caller process serving a county: each hall's own app (caller/api/app.py) mounted at /h/<hall id>/, all on
one database engine, and the county's routes at the root.

Each hall keeps everything of its own: numbering, tokens (a hall's token is unknown to every other hall), devices,
events (a board follows /h/<id>/api/v1/events and sees its hall's only) and reports. Several such processes serve
the same halls behind a load balancer (config/nginx/onewindow-county.conf): the database is the one source of truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.routing import Mount

from caller.api import pages
from caller.api.app import create_app
from caller.api.guards import problem
from caller.engine.model import QueueError
from caller.auth import TokenStore
from caller.county import routes
from caller.county.halls import COUNTY, load_county
from caller.hall import Hall
from caller.settings import CallerSettings
from caller.storage import tables
from caller.storage.database import make_engine
from caller.storage.faults import StorageUnavailable, is_storage_fault

log = logging.getLogger(__name__)


HUB_FALLBACK_POLL_S = 2.0  # a hall's hub looks by itself this often; the county's poller wakes it at once


def newest_events_query(hall_ids: list[str]) -> Select:
    """One statement: the newest event id of each hall, in the given order (each an index probe on hall, id)."""
    e = tables.events.c
    return select(*[select(func.max(e.id)).where(e.hall == hall_id).scalar_subquery().label(f"h{n}")
                    for n, hall_id in enumerate(hall_ids)])


def _read_newest(engine: Engine, query: Select) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(query).one())


def create_county_app(settings: CallerSettings, *, halls: list[Hall] | None = None,
                      clock: Callable | None = None) -> FastAPI:
    """The county's ASGI app: `halls` may be given directly (tests); else the hall files of `settings.county_dir`."""
    if halls is None:
        assert settings.county_dir is not None
        halls = load_county(settings.county_dir)
    engine = make_engine(settings.database_url)
    apps = {hall.hall.id: create_app(settings, hall=hall, clock=clock, engine=engine) for hall in halls}

    for hall_app in apps.values():  # the county's poller tells each hub when its hall has news (below)
        hall_app.state.hub.poll_s = HUB_FALLBACK_POLL_S
    newest = newest_events_query(list(apps))

    async def watch_events() -> None:
        """Other processes' events, for every hall in one query: the newest event id of each hall (an index probe
        each), and a hall whose hub is behind is woken to read its own. A process's own commits wake their hub at
        once; the hubs' own slow poll stays as a fallback."""
        while True:
            await asyncio.sleep(settings.event_poll_s)
            try:
                maxima = await asyncio.to_thread(_read_newest, engine, newest)
            except Exception:  # noqa: BLE001 - a database hiccup: the hubs say it when they read
                await asyncio.sleep(1.0)
                continue
            for hall_id, newest_id in zip(apps, maxima, strict=True):
                hub = apps[hall_id].state.hub
                if newest_id is not None and newest_id > hub.last_seen:
                    hub.poke()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for hall_app in apps.values():  # each hall's own background work: its event hub, its periodic checks
                await stack.enter_async_context(hall_app.router.lifespan_context(hall_app))
            watcher = asyncio.create_task(watch_events(), name="county-events")
            try:
                yield
            finally:
                watcher.cancel()
        engine.dispose()

    app = FastAPI(title="OneWindow county", version="1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  summary="The halls of a county on one system: each hall at /h/<hall id>/, the county above them.")
    app.state.settings = settings
    app.state.halls = apps
    first = next(iter(apps.values()))
    app.state.county_tokens = TokenStore(engine, COUNTY, clock=first.state.service.tx.clock)
    app.include_router(routes.router)

    @app.exception_handler(QueueError)
    async def _refused(request: Request, exc: QueueError) -> JSONResponse:
        return problem(exc.status, exc.code, exc.message,
                       {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None)

    async def _storage(request: Request, exc: Exception) -> JSONResponse:
        if not is_storage_fault(exc):
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return problem(500, "internal", "系统内部错误，请联系管理员 / internal error")
        unavailable = StorageUnavailable(str(exc))
        return problem(503, unavailable.code, unavailable.message)

    for kind in (SQLAlchemyError, OSError):  # answered here, not raised on to the server (see caller/api/app.py)
        app.add_exception_handler(kind, _storage)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(422, "invalid_request", "请求参数有误 / " + "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())[:300])

    app.mount("/web", StaticFiles(directory=pages.WEB), name="web")
    for hall_id, hall_app in apps.items():
        app.router.routes.append(Mount(f"/h/{hall_id}", app=hall_app, name=f"hall-{hall_id}"))
    log.info("serving the county's %d halls: %s", len(apps), ", ".join(apps))
    return app
