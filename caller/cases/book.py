"""Cases in the database: made at 受理 from the ticket being served, handed to the back office with a 交接记录, moved
on by the back office's reports, and listed with how near each is to its limit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from caller.cases.rules import (
    CLOSED, DECIDED, KIND_NAMES, STATE_NAMES, CaseKind, CaseRefused, CaseState, next_state, timing)
from caller.cases.messages import Outbox, material_text, ready_text
from caller.engine.calendar import CalendarError, due_day
from caller.engine.identity import mask_phone, mask_text
from caller.engine.model import Event, EventType, NotFound, QueueError
from caller.queue.hall_swap import FollowsHall
from caller.queue.service import QueueService
from caller.queue.signing import HallSigner
from caller.queue.transactions import Conflict
from caller.storage import tables as t
from caller.storage.repository import Repository


class Refused(QueueError):
    pass


class Invalid(QueueError):
    status = 422


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    state: str
    state_name: str
    actor: str
    note: str | None


@dataclass(frozen=True)
class Case:
    case_no: str
    category: str
    matter: str
    kind: str
    kind_name: str
    state: str
    state_name: str
    limit_days: int | None
    received_at: dt.datetime
    due_day: dt.date | None
    timing: str  # on_time | near | overdue | done
    received_by: str
    window: int | None
    department: str | None
    ticket_number: str | None
    history: list[Step]
    receiver_masked: str | None = None  # who picked it up (masked ID)
    phone_masked: str | None = None  # where its text messages go, while it is open
    messages: list[dict] = dataclasses.field(default_factory=list)  # its text messages: kind, state, attempts
    mailed_to: str | None = None  # the masked address and tracking number of a mailed result
    pickup_code: str | None = None  # only in the answer to the report that made it ready: the notice carries it


class CaseBook(FollowsHall):
    def __init__(self, service: QueueService, outbox: Outbox | None = None):
        self.service = service
        self.outbox = outbox or Outbox(service, None)
        self.pickup_keys = HallSigner(service.tx, service.hall.hall.id, "pickup-key", salt="onewindow-pickup")
        # the case QR on the phone page: a signed case number the kiosk's camera reads (useless once picked up)
        self.pickup_qr = HallSigner(service.tx, service.hall.hall.id, "pickup-qr", salt="onewindow-pickup-qr")

    @property
    def hall_id(self) -> str:
        return self.hall.hall.id

    # -- 受理 ------------------------------------------------------------------------------------------------------
    def receive(self, window: int, *, case_no: str, kind: CaseKind, limit_days: int | None, staff: str,
                matter: str | None = None, phone: str | None = None) -> Case:
        """The window's current citizen's matter becomes a case (首问负责: `staff`). A 即办件 is finished at once.
        `phone` (given with the citizen's consent) is kept for the case's text messages until it closes."""
        if kind is CaseKind.IMMEDIATE and limit_days is not None:
            raise Invalid("limit_not_needed", "即办件当场办结，不设承诺时限 / an immediate case has no time limit")
        if kind is not CaseKind.IMMEDIATE and limit_days is None:
            raise Invalid("limit_needed", "承诺件、联办件须填写承诺时限（工作日） / give the time limit in working days")

        def work(repo: Repository, now: dt.datetime) -> int:
            w = repo.locked_window(window)
            ticket = repo.ticket(w.ticket_id) if w is not None and w.ticket_id else None
            if ticket is None:
                raise Refused("no_citizen", "本窗口当前没有正在办理的群众 / no citizen at this window")
            category = self.hall.category(ticket.category)
            name = (matter or (category.name if category else ticket.category))[:64]
            k = t.ticket_id_keys.c
            id_key = repo.conn.execute(select(k.id_key).where(k.ticket_pk == ticket.pk)).scalar()
            day = self.hall.service_day(now)
            try:
                due = None if kind is CaseKind.IMMEDIATE else due_day(day, limit_days, self.hall.is_working_day)
            except CalendarError as exc:
                raise Refused(exc.code, exc.message) from None
            state = CaseState.FINISHED if kind is CaseKind.IMMEDIATE else CaseState.RECEIVED
            try:
                pk = repo.conn.execute(t.cases.insert().values(
                    hall=self.hall_id, case_no=case_no, ticket_pk=ticket.pk, category=ticket.category, matter=name,
                    kind=kind.value, state=state.value, limit_days=limit_days, received_at=now, received_day=day,
                    due_day=due, received_by=staff[:64], window=window, updated_at=now,
                    decided_at=now if state is CaseState.FINISHED else None,
                    closed_at=now if state is CaseState.FINISHED else None, version=0,
                    id_key=id_key if state is not CaseState.FINISHED else None,
                    phone=phone if state is not CaseState.FINISHED else None)).inserted_primary_key[0]
            except IntegrityError:
                raise Refused("case_exists", f"办件编号 {case_no} 已存在 / case number already used") from None
            self._step(repo, pk, now, CaseState.RECEIVED, staff, None)
            if state is CaseState.FINISHED:
                self._step(repo, pk, now, state, staff, None)
            return pk

        try:
            self.service.tx.write(work)
        except IntegrityError:  # PostgreSQL reports the duplicate at commit on some plans
            raise Refused("case_exists", f"办件编号 {case_no} 已存在 / case number already used") from None
        return self.get(case_no)

    def hand_over(self, case_no: str, *, department: str, staff: str, note: str | None) -> Case:
        """交接记录: the front window hands the case to a department's back office."""
        def work(repo: Repository, now: dt.datetime) -> None:
            row = self._row(repo, case_no)
            if CaseState(row.state) is not CaseState.RECEIVED:
                raise Refused("not_at_front", f"办件已是“{STATE_NAMES[CaseState(row.state)]}”，不能再交接 / "
                                              "already handed over or finished")
            self._move(repo, row, now, CaseState.HANDED_OVER, department=department[:64])
            self._step(repo, row.pk, now, CaseState.HANDED_OVER, staff, f"交{department}" + (f"：{note}" if note else ""))

        self.service.tx.write(work)
        return self.get(case_no)

    def progress(self, case_no: str, reported: CaseState, *, department: str, note: str | None) -> Case:
        """The back office's report (its approval system, or the department page). A department moves only the
        cases handed to it; the same report twice changes nothing. Ready: a new pick-up code, given in this answer
        only (the hall keeps its digest)."""
        code = f"{secrets.randbelow(10**8):08d}" if reported is CaseState.READY else None
        digest = self.pickup_keys.digest(code) if code else None  # before the transaction: it may store the key
        made: list[str] = []

        def work(repo: Repository, now: dt.datetime) -> None:
            made.clear()
            row = self._row(repo, case_no)
            if row.department != department:
                raise NotFound("unknown_case", f"没有交给本部门的办件 {case_no} / no such case for this department")
            current = CaseState(row.state)
            try:
                state = next_state(current, reported)
            except CaseRefused as exc:
                raise Refused(exc.code, exc.message) from None
            if state == current:
                return
            pickup_key = digest if state is CaseState.READY else None
            self._move(repo, row, now, state, decided=state in DECIDED and row.decided_at is None,
                       pickup_key=pickup_key)
            self._step(repo, row.pk, now, state, department, note)
            if pickup_key:
                made.append(code)
            if row.phone and state is CaseState.READY:
                self.outbox.enqueue(repo, row.pk, "ready", ready_text(self.hall.hall.name, row.case_no, row.matter,
                                                                      code), now)
            elif row.phone and state is CaseState.NEEDS_MATERIAL:
                self.outbox.enqueue(repo, row.pk, "needs-material", material_text(
                    self.hall.hall.name, row.case_no, row.matter, mask_text(note) if note else None), now)

        self.service.tx.write(work)
        case = self.get(case_no)
        return dataclasses.replace(case, pickup_code=made[0]) if made else case

    # -- 统一出件 ----------------------------------------------------------------------------------------------------
    def of_ticket(self, ticket_pk: int) -> list[Case]:
        """The cases made from a ticket (the phone page behind its slip)."""
        def work(repo: Repository, now: dt.datetime) -> list[Case]:
            c = t.cases.c
            rows = repo.conn.execute(select(t.cases).where(c.hall == self.hall_id, c.ticket_pk == ticket_pk)
                                     .order_by(c.pk)).all()
            return [self._case(repo, row, now, history=False) for row in rows]

        return self.service.tx.read(work)

    def qr_text(self, case_no: str) -> str:
        return "OWPICKUP:" + self.pickup_qr.dumps(case_no)

    def ready_for(self, *, code: str | None = None, id_number: str | None = None, qr: str | None = None) -> list[int]:
        """The ready cases a pick-up code, an ID number (the citizen's own cases) or a case QR opens."""
        c = t.cases.c
        if qr is not None:
            try:
                match = c.case_no == self.pickup_qr.loads(qr.removeprefix("OWPICKUP:"))
            except BadSignature:
                return []
        elif code is not None:
            match = c.pickup_key == self.pickup_keys.digest(code)
        elif id_number is not None:
            match = c.id_key == self.service.id_keys.digest(id_number)  # as the ticket's was made (service.issue)
        else:
            return []

        def work(repo: Repository, now: dt.datetime) -> list[int]:
            return [pk for (pk,) in repo.conn.execute(select(c.pk).where(
                c.hall == self.hall_id, c.state == CaseState.READY.value, match).order_by(c.pk))]

        return self.service.tx.read(work)

    def link_pickup(self, pks: list[int], ticket_pk: int) -> list[Case]:
        def work(repo: Repository, now: dt.datetime) -> list[Case]:
            repo.conn.execute(update(t.cases).where(t.cases.c.pk.in_(pks)).values(pickup_ticket_pk=ticket_pk))
            rows = repo.conn.execute(select(t.cases).where(t.cases.c.pk.in_(pks)).order_by(t.cases.c.pk)).all()
            return [self._case(repo, row, now, history=False) for row in rows]

        return self.service.tx.write(work)

    def at_window(self, window: int) -> list[Case]:
        """The ready cases of the pick-up ticket this window serves now (the issuing window's console)."""
        def work(repo: Repository, now: dt.datetime) -> list[Case]:
            w = repo.window(window)
            ticket = repo.ticket(w.ticket_id) if w is not None and w.ticket_id else None
            if ticket is None:
                return []
            c = t.cases.c
            rows = repo.conn.execute(select(t.cases).where(c.hall == self.hall_id, c.pickup_ticket_pk == ticket.pk)
                                     .order_by(c.pk)).all()
            return [self._case(repo, row, now, history=False) for row in rows]

        return self.service.tx.read(work)

    def close(self, case_no: str, state: CaseState, *, staff: str, receiver_masked: str | None = None,
              mailed_to: str | None = None) -> Case:
        """Handed over at the issuing window (with the receiver's masked ID) or mailed (邮寄): the case closes and
        the ID digest and pick-up code it kept are deleted."""
        def work(repo: Repository, now: dt.datetime) -> None:
            row = self._row(repo, case_no)
            if CaseState(row.state) is not CaseState.READY:
                raise Refused("not_ready", f"办件当前为“{STATE_NAMES[CaseState(row.state)]}”，尚不能领取 / not ready")
            self._move(repo, row, now, state, receiver_masked=receiver_masked, mailed_to=mailed_to)
            self._step(repo, row.pk, now, state, staff, mailed_to or (f"领取人 {receiver_masked}" if receiver_masked
                                                                       else None))

        self.service.tx.write(work)
        return self.get(case_no)

    # -- reading ---------------------------------------------------------------------------------------------------
    def get(self, case_no: str) -> Case:
        return self.service.tx.read(lambda repo, now: self._case(repo, self._row(repo, case_no), now))

    def open_cases(self, only: str | None = None, limit: int = 500) -> list[Case]:
        """Cases not yet closed, the nearest to their limit first; `only` = near or overdue."""
        def work(repo: Repository, now: dt.datetime) -> list[Case]:
            c = t.cases.c
            rows = repo.conn.execute(select(t.cases).where(c.hall == self.hall_id, c.closed_at.is_(None))
                                     .order_by(c.due_day.is_(None), c.due_day, c.pk).limit(limit)).all()
            cases = [self._case(repo, row, now, history=False) for row in rows]
            return [case for case in cases if only is None or case.timing == only]

        return self.service.tx.read(work)

    def figures(self, conn, first: dt.date, last: dt.date, now: dt.datetime) -> list[dict]:  # noqa: ANN001
        """The report's 办件 table, per kind: received in the range; decided in it, within their limit or late;
        open past their day now; picked up and mailed in it."""
        c = t.cases.c
        start = self.hall.day_start(first)
        end = self.hall.day_start(last + dt.timedelta(days=1))
        today = self.hall.service_day(now)
        rows = conn.execute(select(c.kind, c.state, c.received_day, c.due_day, c.decided_at, c.closed_at).where(
            c.hall == self.hall_id, (c.received_day >= first) & (c.received_day <= last)
            | (c.decided_at >= start) & (c.decided_at < end) | (c.closed_at >= start) & (c.closed_at < end)
            | c.closed_at.is_(None))).all()
        out = {kind: {"kind": kind.value, "kind_name": KIND_NAMES[kind], "received": 0, "decided_on_time": 0,
                      "decided_late": 0, "overdue_open": 0, "picked_up": 0, "mailed": 0} for kind in CaseKind}
        for row in rows:
            tally = out[CaseKind(row.kind)]
            tally["received"] += first <= row.received_day <= last
            decided = row.decided_at is not None and start <= row.decided_at < end
            if decided and row.kind != CaseKind.IMMEDIATE.value:
                late = row.due_day is not None and self.hall.service_day(row.decided_at) > row.due_day
                tally["decided_late" if late else "decided_on_time"] += 1
            if row.decided_at is None and row.due_day is not None and today > row.due_day:
                tally["overdue_open"] += 1
            closed = row.closed_at is not None and start <= row.closed_at < end
            tally["picked_up"] += closed and row.state == CaseState.PICKED_UP.value
            tally["mailed"] += closed and row.state == CaseState.MAILED.value
        return list(out.values())

    # -- helpers ---------------------------------------------------------------------------------------------------
    def _row(self, repo: Repository, case_no: str):  # noqa: ANN202
        row = repo.conn.execute(select(t.cases).where(t.cases.c.hall == self.hall_id,
                                                      t.cases.c.case_no == case_no)).first()
        if row is None:
            raise NotFound("unknown_case", f"没有办件 {case_no} / no such case")
        return row

    def _move(self, repo: Repository, row, now: dt.datetime, state: CaseState, *,  # noqa: ANN001
              department: str | None = None, decided: bool = False, **extra: str | None) -> None:
        c = t.cases.c
        values = {"state": state.value, "updated_at": now, "version": row.version + 1,
                  **{k: v for k, v in extra.items() if v is not None}}
        if department is not None:
            values["department"] = department
        if decided:
            values["decided_at"] = now
        if state in CLOSED:
            values.update(closed_at=now, id_key=None, pickup_key=None, phone=None)  # kept only while it is open
        done = repo.conn.execute(update(t.cases).where(c.pk == row.pk, c.version == row.version).values(**values))
        if done.rowcount != 1:
            raise Conflict

    def _step(self, repo: Repository, pk: int, now: dt.datetime, state: CaseState, actor: str,
              note: str | None) -> None:
        repo.conn.execute(t.case_events.insert().values(case_pk=pk, at=now, state=state.value, actor=actor[:64],
                                                        note=mask_text(note)[:200] if note else None))
        # no case number, no person: only that a case moved, so the phone pages following a ticket look again
        self.service.tx.record(repo, [Event(EventType.CASE_CHANGED, now, data={"state": state.value})], now)

    def _case(self, repo: Repository, row, now: dt.datetime, history: bool = True) -> Case:  # noqa: ANN001
        state = CaseState(row.state)
        number = None
        if row.ticket_pk is not None:
            number = repo.conn.execute(select(t.tickets.c.number).where(t.tickets.c.pk == row.ticket_pk)).scalar()
        steps = []
        if history:
            e = t.case_events.c
            steps = [Step(self.hall.local(s.at), s.state, STATE_NAMES[CaseState(s.state)], s.actor, s.note)
                     for s in repo.conn.execute(select(t.case_events).where(e.case_pk == row.pk).order_by(e.id))]
        today = self.hall.service_day(now)
        return Case(row.case_no, row.category, row.matter, row.kind, KIND_NAMES[CaseKind(row.kind)], state.value,
                    STATE_NAMES[state], row.limit_days, self.hall.local(row.received_at), row.due_day,
                    timing(state, row.due_day, today, self.hall.cases.warn_working_days, self.hall.is_working_day),
                    row.received_by, row.window, row.department, number, steps, row.receiver_masked,
                    mask_phone(row.phone) if row.phone else None,
                    self.outbox.of_case(repo, row.pk) if history else [], row.mailed_to)
