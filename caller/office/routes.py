"""The back office over HTTP (an admin: the manager's one-hour admin session, or an admin token): the hall as a
document, a check that answers what a change would do, saving, the history with undo, and the hall file out and in."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import require
from caller.api.schemas import Problem, Text
from caller.auth import Principal, Role
from caller.hall import Hall, HallConfigError
from caller.office import rules
from caller.office.book import OfficeBook, invalid

router = APIRouter(prefix="/api/v1/office", tags=["back office"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
CategoryId = Annotated[Text, Field(max_length=32)]


def get_book(request: Request) -> OfficeBook:
    return request.app.state.office


Book = Annotated[OfficeBook, Depends(get_book)]


class Moves(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_version: int = Field(ge=0, description="the version the change was made on: another change since is 409")
    moves: dict[CategoryId, CategoryId] = Field(
        default_factory=dict, max_length=64,
        description="waiting tickets of a category the change removes (or leaves unserved) go to this category, "
                    "keeping their age")


class HallChange(Moves):
    hall: dict[str, Any] = Field(description="the whole hall, as GET /api/v1/office/hall gives it")


class HallImport(Moves):
    toml: Text = Field(max_length=200_000, description="a hall file (config/hall.toml)")


def author(who: Principal) -> str:
    return who.label or "管理员令牌"


def parsed(make: Any) -> Hall:
    try:
        return make()
    except HallConfigError as exc:
        raise invalid(exc) from None


@router.get("/hall", responses=ERRORS)
def current(book: Book, who: Admin) -> dict:
    """The hall every caller process runs: its version, the whole hall, and the tickets waiting per category (a
    change that removes a category with tickets waiting must say where they go)."""
    waiting, busy = book.service.tx.read(lambda repo, now: (book.waiting_in(repo), book.busy_in(repo)))
    return {"version": book.version, "hall": rules.document(book.service.hall), "waiting": waiting,
            "windows_in_use": sorted(busy)}


@router.post("/hall/check", responses=ERRORS)
def check(body: HallChange, book: Book, who: Admin) -> dict:
    """What saving would do, without saving: every problem with its field (the same checks as `check-config`, and
    whether waiting tickets or a window in use would be stranded), and the changes field by field."""
    try:
        after = rules.from_document(body.hall)
    except HallConfigError as exc:
        return {"ok": False, "problems": [{"field": p.key, "message": p.zh or p.message} for p in exc.problems],
                "changes": [], "stranded": []}
    stranded, _ = book.effects(after)
    problems = book.check(after, body.moves)
    return {"ok": not problems, "problems": [{"field": p.key, "message": p.zh or p.message} for p in problems],
            "changes": [dataclasses.asdict(c) for c in rules.changes(book.service.hall, after)],
            "stranded": [dataclasses.asdict(s) for s in stranded]}


@router.put("/hall", responses=ERRORS)
def save(body: HallChange, book: Book, who: Admin) -> dict:
    """Save the hall as the next version; every caller process runs it within a moment (between transactions).
    Refused: 422 `invalid_hall` and 409 `would_strand` with `problems` [{field, message}], 409 `stale_version`."""
    after = parsed(lambda: rules.from_document(body.hall))
    version = book.save(after, author=author(who), base=body.base_version, action="edit", moves=body.moves)
    return {"version": version}


@router.get("/history", responses=ERRORS)
def history(book: Book, who: Admin, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict]:
    """Every version, newest first: who made it (姓名（工号）, or 配置文件 when the file was read at startup), when,
    how (file, edit, import, restore) and what it changed."""
    return [dataclasses.asdict(v) | {"at": book.service.hall.local(v.at).isoformat()} for v in book.history(limit)]


@router.post("/history/{version}/restore", responses=ERRORS)
def restore(version: int, body: Moves, book: Book, who: Admin) -> dict:
    """Undo: run an earlier version again, as a new version (the history keeps both)."""
    after = parsed(lambda: rules.from_toml(book.text_of(version), f"version {version}"))
    number = book.save(after, author=author(who), base=body.base_version, action="restore", moves=body.moves,
                       note=f"恢复为第 {version} 版")
    return {"version": number}


@router.get("/hall.toml", responses={**ERRORS, 200: {"content": {"application/toml": {}}}})
def export(book: Book, who: Admin, version: Annotated[int | None, Query(ge=1)] = None) -> Response:
    """The hall file of the version running now (or of `version`), to keep in version control."""
    text = book.text_of(version) if version else rules.to_toml(book.service.hall)
    name = f"hall-{book.hall_id}-v{version or book.version}.toml"
    return Response(text.encode(), media_type="application/toml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/import", responses=ERRORS)
def import_file(body: HallImport, book: Book, who: Admin) -> dict:
    """Run a hall file (from version control) as the next version, checked like an edit."""
    after = parsed(lambda: rules.from_toml(body.toml))
    return {"version": book.save(after, author=author(who), base=body.base_version, action="import",
                                 moves=body.moves)}
