"""The hall's versions in the database: the newest is what every caller process runs. A change is checked like
check-config and against the tickets waiting now, stored with who made it, and announced with a `hall-changed` event
that every process follows (and the periodic check, should an event be missed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from caller.engine import model
from caller.engine.model import EventType, QueueError, TicketStatus, WindowState
from caller.hall import Hall, HallConfigError
from caller.hall_problems import ConfigProblem
from caller.office import rules
from caller.queue.service import QueueService
from caller.queue.transactions import Conflict
from caller.storage import tables as t
from caller.storage.repository import Repository

log = logging.getLogger(__name__)
FILE_AUTHOR = "配置文件"


class Refused(QueueError):
    """A version that cannot run: invalid (422) or not now (409), each problem with its field."""

    def __init__(self, status: int, code: str, message: str, problems: list[ConfigProblem]):
        super().__init__(code, message)
        self.status = status
        self.problems = problems


class StaleVersion(QueueError):
    def __init__(self) -> None:
        super().__init__("stale_version", "配置已被他人修改，请重新载入后再改 / the hall changed meanwhile: reload it")


@dataclass(frozen=True)
class Version:
    version: int
    action: str
    author: str
    at: dt.datetime
    note: str | None


def invalid(exc: HallConfigError) -> Refused:
    return Refused(422, "invalid_hall", "配置有误，请按提示修改 / the hall has problems", exc.problems)


class OfficeBook:
    def __init__(self, service: QueueService):
        self.service = service
        self.version = 0  # the version this process runs; 0 before the first is stored
        self._applying = threading.Lock()

    @property
    def hall_id(self) -> str:
        return self.service.hall.hall.id

    # -- startup ---------------------------------------------------------------------------------------------------
    def adopt(self, file_text: str) -> None:
        """At startup: a hall file unchanged since it was last read leaves the back office's edits in force; a
        changed file is a new version (and can be undone like any)."""
        sha = hashlib.sha256(file_text.encode()).hexdigest()

        def work(repo: Repository, now: dt.datetime) -> tuple[int, str | None]:
            v = t.hall_versions.c
            newest = repo.conn.execute(select(v.version, v.toml).where(v.hall == self.hall_id)
                                       .order_by(v.version.desc()).limit(1)).first()
            last_file = repo.conn.execute(select(v.file_sha).where(v.hall == self.hall_id, v.action == "file")
                                          .order_by(v.version.desc()).limit(1)).scalar()
            if newest is not None and last_file == sha:
                return newest.version, newest.toml
            number = (newest.version if newest else 0) + 1
            self._insert(repo, now, number, rules.to_toml(self.service.hall), "file", FILE_AUTHOR,
                         "读取配置文件" if newest else "初始配置", sha)
            return number, None

        try:
            number, text = self.service.tx.write(work)
        except IntegrityError:  # another process starting at the same moment stored its file first: look again
            number, text = self.service.tx.write(work)
        if text is not None:
            try:
                self._run(rules.from_toml(text, f"version {number}"), number)
            except HallConfigError as exc:  # kept by an older release, say: the file runs, and the log says why
                log.error("hall version %d cannot run here, so the hall file does: %s", number, exc)
        self.version = number

    # -- reading ---------------------------------------------------------------------------------------------------
    def history(self, limit: int = 50) -> list[Version]:
        def work(repo: Repository, now: dt.datetime) -> list[Version]:
            v = t.hall_versions.c
            rows = repo.conn.execute(select(v.version, v.action, v.author, v.at, v.note).where(v.hall == self.hall_id)
                                     .order_by(v.version.desc()).limit(limit))
            return [Version(r.version, r.action, r.author, r.at, r.note) for r in rows]

        return self.service.tx.read(work)

    def text_of(self, version: int) -> str:
        def work(repo: Repository, now: dt.datetime) -> str | None:
            v = t.hall_versions.c
            return repo.conn.execute(select(v.toml).where(v.hall == self.hall_id, v.version == version)).scalar()

        text = self.service.tx.read(work)
        if text is None:
            raise model.NotFound("unknown_version", f"没有第 {version} 版配置 / no such version")
        return text

    def effects(self, after: Hall) -> tuple[list[rules.Stranded], set[int]]:
        """The waiting tickets the version would strand, and the windows in use now."""
        return self.service.tx.read(lambda repo, now: self.effects_in(repo, after))

    def check(self, after: Hall, moves: dict[str, str]) -> list[ConfigProblem]:
        stranded, busy = self.effects(after)
        return rules.refusals(self.service.hall, after, {s.category: s.waiting for s in stranded}, busy, moves)

    # -- changing --------------------------------------------------------------------------------------------------
    def save(self, after: Hall, *, author: str, base: int, action: str, moves: dict[str, str] | None = None,
             note: str | None = None) -> int:
        """Store `after` as the next version if the hall is still at `base`, moving stranded tickets as `moves`
        says (keeping their age); every process runs it within a moment."""
        moves = moves or {}
        before = self.service.hall

        def work(repo: Repository, now: dt.datetime) -> int:
            v = t.hall_versions.c
            newest = repo.conn.execute(select(func.max(v.version)).where(v.hall == self.hall_id)).scalar() or 0
            if newest != base:
                raise StaleVersion()
            stranded, busy = self.effects_in(repo, after)
            problems = rules.refusals(before, after, {s.category: s.waiting for s in stranded}, busy, moves)
            if problems:
                raise Refused(409, "would_strand", "此修改会影响正在等候或办理的群众，请按提示处理 / the change "
                              "would strand waiting tickets or a window in use", problems)
            moved = 0
            for lost in stranded:
                moved += self._move(repo, now, lost.category, moves[lost.category])
            text = note or rules.summary(rules.changes(before, after))
            if moved:
                text += f"；{moved} 位等候群众已转到新事项"
            self._insert(repo, now, newest + 1, rules.to_toml(after), action, author, text[:200], None)
            return newest + 1

        try:
            number = self.service.tx.write(work)
        except IntegrityError:
            raise StaleVersion() from None
        self._run(after, number)
        return number

    def waiting_in(self, repo: Repository) -> dict[str, int]:
        c = t.tickets.c
        return dict(repo.conn.execute(select(c.category, func.count()).where(
            c.hall == self.hall_id, c.status == TicketStatus.WAITING.value).group_by(c.category)).all())

    def busy_in(self, repo: Repository) -> set[int]:
        w = t.windows.c
        return {number for (number,) in repo.conn.execute(select(w.number).where(
            w.hall == self.hall_id, (w.state != WindowState.CLOSED.value) | w.ticket_id.is_not(None)))}

    def effects_in(self, repo: Repository, after: Hall) -> tuple[list[rules.Stranded], set[int]]:
        return rules.stranded(after, self.waiting_in(repo)), self.busy_in(repo)

    def _move(self, repo: Repository, now: dt.datetime, source: str, target: str) -> int:
        c = t.tickets.c
        days = repo.conn.execute(select(c.service_day).distinct().where(
            c.hall == self.hall_id, c.status == TicketStatus.WAITING.value, c.category == source))
        tickets = [ticket for (day,) in days for ticket in repo.waiting(day, [source])]
        for ticket in tickets:
            events = model.move_category(ticket, target, now)
            if not repo.update_ticket(ticket):
                raise Conflict
            self.service.tx.record(repo, events, now)
        return len(tickets)

    def _insert(self, repo: Repository, now: dt.datetime, number: int, text: str, action: str, author: str,
                note: str | None, sha: str | None) -> None:
        repo.conn.execute(t.hall_versions.insert().values(
            hall=self.hall_id, version=number, toml=text, action=action, author=author[:64], at=now, note=note,
            file_sha=sha))
        self.service.tx.record(repo, [model.Event(EventType.HALL_CHANGED, now, data={"version": number})], now)

    # -- following -------------------------------------------------------------------------------------------------
    def sync(self) -> bool:
        """Run the newest stored version if this process runs an older one (another process saved it). Nothing
        before startup has read the hall file (`adopt`): the file may yet be the newest."""
        if not self.version:
            return False

        def work(repo: Repository, now: dt.datetime) -> tuple[int, str] | None:
            v = t.hall_versions.c
            row = repo.conn.execute(select(v.version, v.toml).where(v.hall == self.hall_id, v.version > self.version)
                                    .order_by(v.version.desc()).limit(1)).first()
            return (row.version, row.toml) if row else None

        found = self.service.tx.read(work)
        if found is None:
            return False
        try:
            hall = rules.from_toml(found[1], f"version {found[0]}")
        except HallConfigError:
            log.exception("hall version %d cannot run here; keeping version %d", found[0], self.version)
            self.version = found[0]  # said once, not every round
            return False
        self._run(hall, found[0])
        return True

    def _run(self, hall: Hall, number: int) -> None:
        with self._applying:
            if number <= self.version and self.version:
                return
            if hall != self.service.hall:
                self.service.use_hall(hall)
                log.info("hall version %d runs now", number)
            self.version = number
