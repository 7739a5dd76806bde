"""预约: booking slots, the signed QR code a booking carries, and checking it in for an appointment ticket."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum

from itsdangerous import BadSignature
from sqlalchemy import func, insert, select, update

from caller.engine.identity import is_mobile_number, is_valid_id_number, mask_id_number, mask_phone
from caller.engine.model import NotFound, QueueError
from caller.hall import AppointmentRules, Hall
from caller.queue.service import Invalid, IssueRequest, QueueService
from caller.queue.signing import HallSigner
from caller.queue.standing import TicketView
from caller.storage import tables as t
from caller.queue.hall_swap import FollowsHall


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked-in"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Appointment:
    id: str
    category: str
    slot_start: dt.datetime
    slot_end: dt.datetime
    status: AppointmentStatus
    booked_at: dt.datetime
    checked_in_at: dt.datetime | None = None
    ticket_id: str | None = None


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    free: int


class BadCode(QueueError):
    status = 400


class TooMany(QueueError):
    status = 429


@dataclass(frozen=True)
class Booker:
    """Who books: real-name, by ID number or mobile number (stored masked and as a keyed digest only), and the
    token that sent it."""

    id_number: str | None = None
    phone: str | None = None
    token_id: int | None = None


def check_in_refusal(appointment: Appointment, now: dt.datetime, rules: AppointmentRules, hall: Hall,
                     ticket_number: str | None = None) -> QueueError | None:
    """Why a booking cannot be checked in now, or None. Pure: the kiosk shows the message and offers a walk-in.
    `ticket_number` is the ticket an earlier check-in gave, named in the refusal."""
    local = lambda moment: f"{hall.local(moment):%m月%d日 %H:%M}"  # noqa: E731
    if appointment.status is AppointmentStatus.CHECKED_IN:
        if ticket_number:
            return QueueError("appointment_used", f"此预约已签到，号码 {ticket_number} / already checked in as {ticket_number}")
        return QueueError("appointment_used", "此预约已签到取号，请勿重复签到 / this booking has already been checked in")
    if appointment.status is AppointmentStatus.CANCELLED:
        return QueueError("appointment_cancelled", "此预约已取消，请取普通号 / this booking was cancelled")
    opens = appointment.slot_start - dt.timedelta(minutes=rules.early_minutes)
    closes = appointment.slot_end + dt.timedelta(minutes=rules.late_minutes)
    if now < opens:
        return QueueError("too_early", f"预约时段未到，请于 {local(opens)} 后签到 / too early: check in from {local(opens)}")
    if now > closes:
        return QueueError("too_late", f"预约已过时（截至 {local(closes)}），请取普通号 / too late: the booking lapsed")
    return None


def _appointment(row) -> Appointment:  # noqa: ANN001 - a result row
    return Appointment(
        row.public_id, row.category, row.slot_start, row.slot_end, AppointmentStatus(row.status), row.booked_at,
        row.checked_in_at, row.ticket_id,
    )


class AppointmentBook(FollowsHall):
    """Bookings of one hall, kept in the caller's database beside its tickets."""

    SECRET_NAME = "appointment-signing"

    def __init__(self, service: QueueService):
        self.service = service
        self.tx = service.tx
        self._signer = HallSigner(service.tx, service.hall.hall.id, self.SECRET_NAME, salt="onewindow-appointment")

    # ---- the signed code
    def code(self, appointment: Appointment) -> str:
        """What the QR code holds: the booking's id, signed, so a forged or altered code is refused."""
        return self._signer.dumps(appointment.id)

    def _id_of(self, code: str) -> str:
        try:
            public_id = self._signer.loads(code.strip())
        except BadSignature:
            raise BadCode("invalid_code", "二维码无效，不是本大厅的预约码 / not a valid booking code of this hall") from None
        if not isinstance(public_id, str):
            raise BadCode("invalid_code", "二维码无效 / not a valid booking code")
        return public_id

    # ---- slots and booking
    def slots(self, category: str, day: dt.date) -> list[Slot]:
        self._category(category)
        rules = self.hall.appointments
        today = self.hall.service_day(self.tx.clock())
        if not 0 <= (day - today).days <= rules.days_ahead:
            raise Invalid("day_out_of_range", f"只能查询今天起 {rules.days_ahead} 天内的预约时段 / "
                          f"slots are listed from today to {rules.days_ahead} days ahead")
        c = t.appointments.c

        def work(repo, now):  # noqa: ANN001, ANN202
            rows = repo.conn.execute(
                select(c.slot_start, func.count())
                .where(c.hall == self.hall.hall.id, c.category == category, c.status != AppointmentStatus.CANCELLED.value)
                .where(c.slot_start >= dt.datetime.combine(day, dt.time(0), self.hall.zone))
                .where(c.slot_start < dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), self.hall.zone))
                .group_by(c.slot_start)
            )
            taken = {start: count for start, count in rows}
            return [
                Slot(start, end, max(0, rules.per_slot - taken.get(start.astimezone(dt.timezone.utc), 0)))
                for start, end in self.hall.slots(day)
                if end > now
            ]

        return self.tx.read(work)

    def _who(self, booker: Booker) -> tuple[str, str]:
        """The booker's keyed digest and masked number; refuses a booking without a valid real name."""
        today = self.hall.service_day(self.tx.clock())
        if booker.id_number:
            if not is_valid_id_number(booker.id_number, today):
                raise Invalid("invalid_id_number", "身份证号码有误，请核对 / the ID number is not valid")
            value = booker.id_number.upper()
            return self.service.id_keys.digest(value), mask_id_number(value)
        if booker.phone:
            if not is_mobile_number(booker.phone):
                raise Invalid("invalid_phone", "手机号码有误，请核对 / the mobile number is not valid")
            return self.service.id_keys.digest(f"tel:{booker.phone}"), mask_phone(booker.phone)
        raise Invalid("real_name_required", "预约须实名：请读取身份证或填写手机号 / booking needs an ID or mobile number")

    def book(self, category: str, slot_start: dt.datetime, source: str | None = None,
             booker: Booker = Booker()) -> Appointment:
        self._category(category)
        rules = self.hall.appointments
        id_key, id_masked = self._who(booker)
        if slot_start.tzinfo is None:
            raise Invalid("invalid_slot", "时段须带时区 / the slot time needs a time zone")
        try:
            day = self.hall.service_day(slot_start)
            slot = next((s for s in self.hall.slots(day) if s[0] == slot_start), None)
        except OverflowError:  # 0001-01-01 or 9999-12-31 seen from a far time zone
            slot = None
        if slot is None or rules.per_slot == 0:
            raise Invalid("invalid_slot", "没有这个预约时段 / no such appointment slot")
        c = t.appointments.c

        def work(repo, now):  # noqa: ANN001, ANN202
            if slot[1] <= now:
                raise QueueError("slot_past", "该时段已过 / the slot is over")
            if (day - self.hall.service_day(now)).days > rules.days_ahead:
                raise QueueError("too_far_ahead", f"只能预约 {rules.days_ahead} 天内的时段 / too far ahead")
            self._within_limits(repo, now, category, id_key, booker.token_id)
            taken = set(
                repo.conn.execute(
                    select(c.seat).where(c.hall == self.hall.hall.id, c.category == category, c.slot_start == slot[0])
                ).scalars()
            )
            seat = next((n for n in range(1, rules.per_slot + 1) if n not in taken), None)
            if seat is None:
                raise QueueError("slot_full", "该时段已约满，请选择其他时段 / the slot is fully booked")
            appointment = Appointment(
                secrets.token_urlsafe(12), category, slot[0], slot[1], AppointmentStatus.BOOKED, now
            )
            # two kiosks taking the last seat at once: the unique seat refuses one, and its retry sees the slot full
            repo.conn.execute(
                insert(t.appointments).values(
                    hall=self.hall.hall.id, public_id=appointment.id, category=category, slot_start=slot[0],
                    slot_end=slot[1], seat=seat, status=appointment.status.value, booked_at=now, source=source,
                    id_key=id_key, id_masked=id_masked, booked_by=booker.token_id,
                )
            )
            return appointment

        return self.tx.write(work)

    def _not_blocked(self, repo, now: dt.datetime, id_key: str) -> None:  # noqa: ANN001
        """A citizen who let `missed_limit` bookings lapse (never checked in nor cancelled) within `missed_days` may
        not book until `blocked_days` after the last of them."""
        rules, c = self.hall.appointments, t.appointments.c
        if not rules.missed_limit:
            return
        lapsed = repo.conn.execute(select(c.slot_end).where(
            c.hall == self.hall.hall.id, c.id_key == id_key, c.status == AppointmentStatus.BOOKED.value,
            c.slot_end <= now - dt.timedelta(minutes=rules.late_minutes),
            c.slot_end >= now - dt.timedelta(days=rules.missed_days)).order_by(c.slot_end)).scalars().all()
        if len(lapsed) >= rules.missed_limit:
            until = lapsed[-1] + dt.timedelta(days=rules.blocked_days)
            if now < until:
                raise QueueError("booking_suspended", f"近 {rules.missed_days} 天内 {len(lapsed)} 次预约未到，"
                                 f"{self.hall.local(until):%m月%d日}前暂停预约，可现场取号 / booking is suspended after "
                                 "missed bookings")

    def _within_limits(self, repo, now: dt.datetime, category: str, id_key: str, token_id: int | None) -> None:  # noqa: ANN001
        """One booking per matter and `per_citizen` in all not yet used; `per_source_per_hour` per token."""
        rules, c = self.hall.appointments, t.appointments.c
        mine = repo.conn.execute(
            select(c.category, c.slot_start).where(c.hall == self.hall.hall.id, c.id_key == id_key,
                                                   c.status == AppointmentStatus.BOOKED.value, c.slot_end > now)
        ).all()
        same = next((start for booked, start in mine if booked == category), None)
        if same is not None:
            raise QueueError("already_booked", f"您已预约此事项（{self.hall.local(same):%m月%d日 %H:%M}），如需改约请先取消 / "
                             "this citizen already holds a booking for this matter")
        self._not_blocked(repo, now, id_key)
        if len(mine) >= rules.per_citizen:
            raise QueueError("booking_limit", f"每人最多同时持有 {rules.per_citizen} 个预约，请先办理或取消 / "
                             f"at most {rules.per_citizen} open bookings per citizen")
        if token_id is not None:
            recent = repo.conn.execute(
                select(func.count()).select_from(t.appointments)
                .where(c.hall == self.hall.hall.id, c.booked_by == token_id, c.booked_at > now - dt.timedelta(hours=1))
            ).scalar_one()
            if recent >= rules.per_source_per_hour:
                raise TooMany("too_many_bookings", "预约过于频繁，请稍后再试 / too many bookings from this device")

    def cancel(self, code: str) -> Appointment:
        """取消预约 by its code (the code is the secret): the seat is free again at once. Only a booking not yet
        checked in can be cancelled; cancelling twice answers the cancelled booking."""
        appointment = self._read(self._id_of(code))
        if appointment.status is AppointmentStatus.CHECKED_IN:
            raise QueueError("appointment_used", "此预约已签到，无法取消 / already checked in")
        c = t.appointments.c

        def work(repo, now):  # noqa: ANN001, ANN202
            # the seat number is released (a cancelled booking keeps no seat), so the unique seat stays exact
            repo.conn.execute(
                update(t.appointments)
                .where(c.hall == self.hall.hall.id, c.public_id == appointment.id, c.status == AppointmentStatus.BOOKED.value)
                .values(status=AppointmentStatus.CANCELLED.value, seat=-c.pk)
            )

        self.tx.write(work)
        return self._read(appointment.id)

    def change(self, code: str, slot_start: dt.datetime) -> Appointment:
        """改约 in one step: the booking moves to another slot of its matter, keeping its code (the QR the citizen
        holds stays good), or stays where it was if the new slot is full (409 `slot_full`). Only a booking not yet
        checked in, whose slot has not ended, moves; the limits of booking hold for the new slot."""
        appointment = self._read(self._id_of(code))
        if appointment.status is not AppointmentStatus.BOOKED:
            raise QueueError("appointment_used" if appointment.status is AppointmentStatus.CHECKED_IN
                             else "appointment_cancelled", "此预约已签到或已取消，不能改约 / the booking cannot move")
        rules = self.hall.appointments
        if slot_start.tzinfo is None:
            raise Invalid("invalid_slot", "时段须带时区 / the slot time needs a time zone")
        try:
            day = self.hall.service_day(slot_start)
            slot = next((s for s in self.hall.slots(day) if s[0] == slot_start), None)
        except OverflowError:
            slot = None
        if slot is None:
            raise Invalid("invalid_slot", "没有这个预约时段 / no such appointment slot")
        c = t.appointments.c

        def work(repo, now):  # noqa: ANN001, ANN202
            if appointment.slot_end <= now or slot[1] <= now:
                raise QueueError("slot_past", "该时段已过 / the slot is over")
            if (day - self.hall.service_day(now)).days > rules.days_ahead:
                raise QueueError("too_far_ahead", f"只能预约 {rules.days_ahead} 天内的时段 / too far ahead")
            if slot[0] == appointment.slot_start:
                return
            taken = set(repo.conn.execute(select(c.seat).where(
                c.hall == self.hall.hall.id, c.category == appointment.category, c.slot_start == slot[0])).scalars())
            seat = next((n for n in range(1, rules.per_slot + 1) if n not in taken), None)
            if seat is None:
                raise QueueError("slot_full", "该时段已约满，请选择其他时段 / the slot is fully booked")
            moved = repo.conn.execute(update(t.appointments).where(
                c.hall == self.hall.hall.id, c.public_id == appointment.id, c.status == AppointmentStatus.BOOKED.value)
                .values(slot_start=slot[0], slot_end=slot[1], seat=seat))
            if moved.rowcount != 1:
                raise QueueError("appointment_used", "此预约已签到或已取消，不能改约 / the booking cannot move")

        self.tx.write(work)
        return self._read(appointment.id)

    def _category(self, category: str) -> None:
        if self.hall.category(category) is None:
            raise Invalid("unknown_category", f"没有此事项：{category} / unknown category")

    # ---- status and check-in
    def _read(self, public_id: str) -> Appointment:
        c = t.appointments.c

        def work(repo, now):  # noqa: ANN001, ANN202
            return repo.conn.execute(
                select(t.appointments).where(c.hall == self.hall.hall.id, c.public_id == public_id)
            ).first()

        row = self.tx.read(work)
        if row is None:
            raise NotFound("unknown_appointment", "查无此预约 / no such booking")
        return _appointment(row)

    def status(self, code: str) -> Appointment:
        return self._read(self._id_of(code))

    def check_in(self, code: str) -> tuple[Appointment, TicketView]:
        """An on-time booking becomes an appointment-priority ticket, exactly once.

        The ticket is issued under an idempotency key derived from the booking, so a retry after a lost
        answer or a crash between issuing and marking the booking gets the same ticket, never a second.
        """
        appointment = self._read(self._id_of(code))
        number = self.service.ticket(appointment.ticket_id).ticket.number if appointment.ticket_id else None
        refusal = check_in_refusal(appointment, self.service.tx.clock(), self.hall.appointments, self.hall, number)
        if refusal is not None:
            raise refusal
        # the booking's own window (early_minutes before the slot to late_minutes after it) may reach outside
        # the hall's issuing hours: a booked citizen who is on time gets a ticket then too
        view = self.service.issue(
            IssueRequest(appointment.category, "appointment", source="appointment"), f"appointment:{appointment.id}",
            booked=True,
        )
        c = t.appointments.c

        def work(repo, now):  # noqa: ANN001, ANN202
            repo.conn.execute(
                update(t.appointments)
                .where(c.hall == self.hall.hall.id, c.public_id == appointment.id, c.status == AppointmentStatus.BOOKED.value)
                .values(status=AppointmentStatus.CHECKED_IN.value, checked_in_at=now, ticket_id=view.ticket.id)
            )

        self.tx.write(work)
        return self._read(appointment.id), view
