"""Assembles the caller's web application from its settings: service, token store, event hub, routers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from caller.api import (
    appointments,
    desk,
    events,
    hall_info,
    health,
    pages,
    phone,
    queue,
    ratings,
    tickets,
    windows,
)
from caller.api.guards import BodyLimit, DocsStayLocal, LookupGuard, NotReady, PlainUrls
from caller.api.guards import problem as _problem
from caller.api.health import Readiness
from caller.api.lane import Lane
from caller.appointments import AppointmentBook
from caller.auth import TokenStore
from caller.engine.model import EventType, QueueError
from caller.hall import Hall, load_hall
from caller.office import rules as office_rules
from caller.public import routes as public_routes
from caller.public.remote import RemoteNumbers
from caller.public.verification import PhoneVerification
from caller.cases import routes as case_routes
from caller.cases.book import CaseBook
from caller.cases.messages import Outbox
from caller.followups import routes as followup_routes
from caller.followups.book import FollowUpBook
from caller.notices import routes as notice_routes
from caller.office import routes as office_routes
from caller.office.book import OfficeBook
from caller.office.book import Refused as OfficeRefused
from caller.notices.book import NoticeBook
from caller.notify.signed import SignedPoster
from caller.notify.sms import SmsGateway
from caller.printing import routes as printing_routes
from caller.reception import routes as reception_routes
from caller.reports import routes as report_routes
from caller.reports.book import ReportBook
from caller.reports.monitor import Monitor
from caller.queue.desk import Desk
from caller.queue.event_hub import EventHub
from caller.queue.service import QueueService
from caller.queue.stranded import warn_stranded
from caller.ratings.book import RatingBook
from caller.ratings.pairing import Pairing
from caller.ratings.platform import PlatformExport
from caller.settings import CallerSettings
from caller.staff import routes as staff_routes
from caller.staff.book import StaffBook
from caller.storage.database import Database, make_engine, migrate
from caller.storage.faults import Outage, StorageUnavailable, is_storage_fault

log = logging.getLogger(__name__)
PREPARE_RETRY_S = 5.0


def _validation_message(exc: RequestValidationError) -> tuple[str, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return "malformed_json", "请求体不是有效的 JSON / the request body is not valid JSON"
    bad_text = [e for e in errors if e.get("type") == "invalid_text"]
    if bad_text:
        where = ".".join(str(p) for p in bad_text[0].get("loc", ()) if p != "body")
        return "invalid_text", f"{where} 含有不可见的控制字符（如 NUL） / {where} holds control characters such as NUL"
    parts = []
    for err in errors[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {err.get('msg')}")
    return "invalid_request", "请求参数有误 / invalid request: " + "; ".join(parts)


REFUSALS = {
    "400": "malformed_json: the body is not JSON; invalid_text: the URL holds control characters such as NUL",
    "422": "invalid_request / invalid_text or a domain refusal: a value out of range, unknown or not allowed",
    "503": "storage_unavailable: the database cannot be written or reached now; busy: retry",
}


def _document_refusals(app: FastAPI) -> None:
    """The OpenAPI document lists the refusals every operation really gives, each a Problem: FastAPI's own
    422 schema is not what the caller answers, and 400, 413 and 503 come from the app around the routes."""
    make = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        spec = make()
        problem = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for operations in spec["paths"].values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                for code, why in REFUSALS.items():
                    if code not in answers or code == "422":
                        answers[code] = {"description": why, **problem}
                if "requestBody" in operation:
                    answers["413"] = {"description": "too_large: the body is over the limit", **problem}
        for name in ("HTTPValidationError", "ValidationError"):
            spec.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi


def _operation_id(route: object) -> str:
    """Stable operation ids: the route's function name (FastAPI may hand over the route or a context of it)."""
    route = getattr(route, "original_route", route)
    return route.name if isinstance(route, APIRoute) else str(route)


def create_app(
    settings: CallerSettings | None = None,
    *,
    hall: Hall | None = None,
    clock: Callable | None = None,
    engine: Engine | None = None,
) -> FastAPI:
    """The caller's ASGI app. `hall` and `clock` may be given directly (tests, simulations); `engine` is shared by
    the halls of a county served by one process (caller/county/), which disposes of it."""
    settings = settings or CallerSettings()
    hall = hall or load_hall(settings.hall_file)
    outage = Outage()  # says a storage fault a bounded number of times, whoever meets it
    owns_engine = engine is None
    engine = engine or make_engine(settings.database_url)
    db = Database(engine, hall.hall.id)
    service_kwargs = {"clock": clock} if clock else {}
    service = QueueService(hall, db, enforce_hours=settings.enforce_hours, outage=outage, **service_kwargs)
    notices = NoticeBook(service)
    office = OfficeBook(service)
    hub = EventHub(service.events_after, service.last_event_id, poll_s=settings.event_poll_s, outage=outage)
    service.tx.on_commit = hub.poke  # local commits wake the hub at once
    hub.listeners.append(lambda item: item.type == EventType.HALL_CHANGED and hub.run_soon(office.sync))
    stage = {"migrated": False, "set_up": False}

    def prepare() -> None:
        """Migrate (then the API opens), then create window rows and settle what earlier days left."""
        if not stage["migrated"]:
            migrate(engine)
            stage["migrated"] = True
        if not stage["set_up"]:
            service.setup()
            office.adopt(office_rules.to_toml(hall))  # the file, unless it is unchanged and the back office edited
            service.housekeeping.close_past_days()
            warn_stranded(service)  # waiting tickets of a matter the hall file no longer has: said, not hidden
            stage["set_up"] = True

    def try_prepare(where: str) -> bool:
        try:
            prepare()
        except Exception as exc:
            cause = exc.__cause__ if isinstance(exc, StorageUnavailable) and exc.__cause__ else exc
            if not is_storage_fault(cause):
                raise
            outage.failed(where, cause)
            return False
        outage.succeeded()
        return True

    # a database that is down, full or read-only at startup: one plain line, and the caller retries by itself
    try_prepare("startup; the caller serves what it can and retries every 5 s")

    async def keep_preparing() -> None:
        while not await asyncio.to_thread(try_prepare, "startup retry"):
            await asyncio.sleep(PREPARE_RETRY_S)
        log.info("the database is ready")

    async def watch_tides() -> None:
        """Every `tidal_check_s`: apply the tidal rule, settle tickets left by earlier days, log out seasonal
        windows past their season, (自动叫号) call waiting tickets to any window that became free without an
        action, such as an opened tidal one, and sweep the notices (devices gone silent, help nobody took).

        A database hiccup only skips one round (the outage log has said it)."""
        while True:
            await asyncio.sleep(settings.tidal_check_s)
            housekeeping = service.housekeeping
            for check in (
                housekeeping.check_tidal,
                housekeeping.close_past_days,
                housekeeping.close_out_of_season,
                office.sync,  # a version another process saved, should its event have been missed
                app.state.reports.roll_up_recent,  # yesterday's figures kept: a month's report reads 22 rows
                app.state.cases.outbox.send_due,  # cases' text messages: what failed is retried
                app.state.ratings.export.send_due,  # ratings for the 好差评 platform: what failed is retried
                app.state.remote.remind,  # remote numbers' reminders, should the queue have moved unseen
                service.dispatch,
                notices.sweep,
            ):
                try:
                    await asyncio.to_thread(check)
                except StorageUnavailable:
                    break
                except Exception:  # noqa: BLE001
                    log.exception("periodic check %s failed", check.__name__)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        tasks = [asyncio.create_task(watch_tides(), name="tidal-rule"),
                 asyncio.create_task(app.state.remote.follow(hub), name="remote-reminders")]
        if not stage["set_up"]:
            tasks.append(asyncio.create_task(keep_preparing(), name="prepare-storage"))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await hub.stop()
            if owns_engine:
                engine.dispose()

    app = FastAPIOffline(  # /docs and /redoc with their assets served here: they work on a hall's offline LAN
        title="OneWindow caller",
        version="1.0",
        summary="Queue engine of a government service hall (一窗受理): tickets, windows, live events.",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    app.state.service = service
    app.state.lane = Lane(settings.lane_threads)
    app.state.appointments = AppointmentBook(service)
    app.state.ratings = RatingBook(service)
    app.state.tokens = TokenStore(engine, hall.hall.id, clock=service.tx.clock)
    app.state.pairing = Pairing(service, app.state.tokens)
    app.state.staff = StaffBook(engine, hall.hall.id, app.state.tokens, service.tx.clock)
    app.state.desk = Desk(service)
    app.state.notices = notices
    app.state.office = office
    app.state.reports = ReportBook(service)
    gateway = SmsGateway(settings.sms_url, settings.sms_key_id, settings.sms_secret, hall.hall.name) \
        if settings.sms_url else None
    app.state.cases = CaseBook(service, Outbox(service, gateway))
    app.state.followups = FollowUpBook(service)
    app.state.ratings.on_bad_rating = app.state.followups.for_bad_rating
    app.state.ratings.export = PlatformExport(service, SignedPoster(
        settings.haochaping_url, settings.haochaping_key_id, settings.haochaping_secret)
        if settings.haochaping_url else None)
    app.state.reports.followups = app.state.followups
    app.state.reports.cases = app.state.cases
    app.state.monitor = Monitor(service, app.state.reports, notices, app.state.cases, app.state.followups)
    app.state.monitor.rating_export = app.state.ratings.export
    app.state.phone_verification = PhoneVerification(service, gateway, demo=settings.demo)
    app.state.remote = RemoteNumbers(service, app.state.ratings.codes, gateway)
    app.state.hub = hub
    app.state.outage = outage
    app.state.readiness = Readiness()
    app.state.stage = stage  # migrated: the schema is in place; set_up: window rows made, past days settled
    for module in (health, queue, hall_info, tickets, appointments, ratings, phone, windows, desk, events, pages,
                   staff_routes, notice_routes, reception_routes, printing_routes, report_routes, office_routes,
                   case_routes, followup_routes, public_routes):
        app.include_router(module.router)
    app.mount("/web", StaticFiles(directory=pages.WEB), name="web")

    @app.exception_handler(QueueError)
    async def _queue_error(request: Request, exc: QueueError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if getattr(exc, "retry_after_s", None):  # a limit: when to try again
            headers = {"Retry-After": str(exc.retry_after_s)}
        response = _problem(exc.status, exc.code, exc.message, headers)
        if isinstance(exc, OfficeRefused):  # the back office shows each problem at its field
            response = JSONResponse({"error": exc.code, "message": exc.message, "problems": [
                {"field": p.key, "message": p.zh or p.message} for p in exc.problems]}, status_code=exc.status)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        code, message = _validation_message(exc)
        return _problem(400 if code == "malformed_json" else 422, code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's only own 400: a body it could not decode
            return _problem(400, "malformed_json", "请求体不是有效的 JSON / the request body is not valid JSON")
        codes = {404: "not_found", 405: "method_not_allowed"}
        return _problem(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail), exc.headers)

    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if is_storage_fault(exc):  # met outside a transaction (a token lookup, say)
            outage.failed(f"{request.method} {request.url.path}", exc)
            unavailable = StorageUnavailable(str(exc))
            return _problem(503, unavailable.code, unavailable.message)
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _problem(500, "internal", "系统内部错误，请联系管理员 / internal error")

    # database and OS errors are answered where they are met (Starlette's handler for any other exception answers
    # too, but raises it on to the server, which then drops the connection of a hall mounted in a county: nginx
    # took both processes for dead while the database was down)
    for kind in (SQLAlchemyError, OSError, Exception):
        app.add_exception_handler(kind, _unexpected)

    _document_refusals(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(LookupGuard, limit=settings.lookup_misses_per_10min, trusted_proxies=settings.trusted_proxies)
    app.add_middleware(NotReady, is_ready=lambda: stage["migrated"])
    app.add_middleware(PlainUrls)
    app.add_middleware(DocsStayLocal)
    return app
