"""远程取号: a number taken from the phone before leaving home, real-name (ID number, and the mobile number proven by
its SMS code), for the matters the hall offers it for (`[phone.remote.<matter>]`: how many may wait at once, until
when). It is called only once its citizen is confirmed in the hall: the kiosk scans the phone page's arrival QR, or
the desk confirms it (caller/engine/arrival.py for what the queue does meanwhile).

Its reminders go by text message, once each: when `[phone] remind_ahead` are ahead, and when it is called; never to
a ticket that has ended, and at most `sms_per_phone_hour` to one number (counted in this process). The mobile
number is kept only while the ticket is live; its keyed digest stays for the day, for the per-phone limits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections import OrderedDict

from sqlalchemy import and_, delete, func, select, update

from caller.engine.model import QueueError, Ticket, TicketStatus
from caller.notify.signed import Undelivered
from caller.notify.sms import SmsGateway
from caller.queue.event_hub import EventHub
from caller.queue.service import IssueRequest, QueueService
from caller.queue.signing import HallSigner
from caller.queue.standing import TicketView
from caller.ratings.codes import PhoneCodes
from caller.storage import tables as t
from caller.storage.repository import Repository

log = logging.getLogger(__name__)
QR_PREFIX = "OWARRIVE:"
PER_PHONE_PER_DAY = 3  # remote numbers one mobile number may take in a day
LIVE = (TicketStatus.WAITING.value, TicketStatus.CALLED.value)
SETTLE_S = 0.3  # a call and its window's change come as several events: one round for them


class RemoteRefused(QueueError):
    status = 409


class NotArrivalQr(QueueError):
    status = 422


class _Join:
    """One citizen's request, checked and kept inside the issuing transaction (QueueService.issue)."""

    def __init__(self, numbers: RemoteNumbers, phone: str, phone_key: str):
        self.numbers, self.phone, self.phone_key = numbers, phone, phone_key

    def check(self, repo: Repository, category: str, day: dt.date, now: dt.datetime) -> None:
        hall = self.numbers.hall
        rule = hall.phone.remote.get(category)
        name = hall.category(category).name
        if rule is None:
            raise RemoteRefused("remote_not_offered", f"{name}不提供远程取号，请到大厅取号 / no remote numbers for it")
        until = rule.until or hall.hours.issue_until
        if hall.local(now).time() >= until:
            raise RemoteRefused("remote_closed", f"{name}今天的远程取号已于 {until:%H:%M} 截止，请到大厅取号 / "
                                                 "remote numbers are over for today")
        c, p = t.tickets.c, t.ticket_phones.c
        awaited = repo.conn.execute(select(func.count()).select_from(t.tickets).where(
            c.hall == hall.hall.id, c.service_day == day, c.category == category, c.remote.is_(True),
            c.arrived_at.is_(None), c.status == TicketStatus.WAITING.value)).scalar_one()
        if awaited >= rule.max_waiting:
            raise RemoteRefused("remote_full", f"{name}的远程号已满（{rule.max_waiting} 个），请稍后再试或到大厅取号 / "
                                               "the remote numbers are all taken")
        mine = repo.conn.execute(select(c.number, c.status).join(t.tickets, c.pk == p.ticket_pk).where(
            p.hall == hall.hall.id, p.phone_key == self.phone_key, c.service_day == day)).all()
        live = [row.number for row in mine if row.status in LIVE]
        if live:
            raise RemoteRefused("remote_held", f"此手机号已有远程号 {live[0]}，请勿重复取号 / this phone holds "
                                               f"{live[0]} already")
        if len(mine) >= PER_PHONE_PER_DAY:
            raise RemoteRefused("remote_daily_cap", f"此手机号今天已远程取号 {len(mine)} 次，请到大厅取号 / "
                                                    "the day's remote numbers for this phone are used")

    def keep(self, repo: Repository, ticket: Ticket, now: dt.datetime) -> None:
        repo.conn.execute(t.ticket_phones.insert().values(ticket_pk=ticket.pk, hall=self.numbers.hall.hall.id,
                                                          phone_key=self.phone_key, phone=self.phone))


class RemoteNumbers:
    def __init__(self, service: QueueService, codes: PhoneCodes, gateway: SmsGateway | None):
        self.service = service
        self.codes = codes
        self.gateway = gateway
        self.keys = HallSigner(service.tx, service.hall.hall.id, "phone-key", salt="onewindow-phone")
        self._sent: OrderedDict[tuple[str, int], int] = OrderedDict()  # (phone digest, hour) -> reminders
        self._lock = threading.Lock()

    @property
    def hall(self):  # noqa: ANN201
        return self.service.hall

    def take(self, phone: str, category: str, id_number: str) -> TicketView:
        """A remote number (409 `remote_not_offered`, `remote_closed`, `remote_full`, `remote_held`,
        `remote_daily_cap`; the queue's own refusals: hours, one live ticket per ID and matter)."""
        request = IssueRequest(category=category, id_number=id_number, source="phone")
        return self.service.issue(request, remote=_Join(self, phone, self.keys.digest(phone)))

    def arrival_qr(self, ticket_id: str) -> str:
        """What the phone page shows for the kiosk's camera: the ticket's phone code (which only proves the ticket;
        the kiosk proves the citizen is in the hall)."""
        return QR_PREFIX + self.codes.code(ticket_id)

    def arrive_by_qr(self, qr: str) -> TicketView:
        if not qr.startswith(QR_PREFIX):
            raise NotArrivalQr("not_arrival_qr", "这不是远程取号的到场码 / not an arrival code")
        return self.service.arrive(self.codes.ticket_id(qr.removeprefix(QR_PREFIX)))

    # ---- reminders
    async def follow(self, hub: EventHub) -> None:
        """Send reminders as soon as the queue moved (a burst of ticket events is one round). Cut off as a slow
        follower, it follows again; the periodic round covers the gap."""
        while True:
            sub = hub.subscribe()
            try:
                while (item := await sub.queue.get()) is not None:
                    if self.gateway is None or not item.type.startswith("ticket-"):
                        continue
                    await asyncio.sleep(SETTLE_S)
                    cut = False
                    while not sub.queue.empty():
                        cut = cut or sub.queue.get_nowait() is None
                    try:
                        await asyncio.to_thread(self.remind)
                    except Exception:  # noqa: BLE001 - a storage hiccup: the periodic round tries again
                        log.warning("remote reminders skipped a round", exc_info=True)
                    if cut:
                        break
            finally:
                hub.unsubscribe(sub)
            await asyncio.sleep(1)

    def remind(self) -> int:
        """One round (the periodic check, and whenever the queue moved): each due reminder claimed (so it goes once,
        from one process) and sent; the numbers of ended tickets blanked, earlier days' rows deleted. Returns the
        messages sent."""
        c, p = t.tickets.c, t.ticket_phones.c
        hall_id = self.hall.hall.id

        def due(repo: Repository, now: dt.datetime) -> list:
            day = self.hall.service_day(now)
            repo.conn.execute(delete(t.ticket_phones).where(p.hall == hall_id, p.ticket_pk.in_(
                select(c.pk).where(c.hall == hall_id, c.service_day < day))))  # the day's per-phone counts go too
            repo.conn.execute(update(t.ticket_phones).where(p.hall == hall_id, p.phone.is_not(None), p.ticket_pk.in_(
                select(c.pk).where(c.hall == hall_id, c.status.in_(
                    [TicketStatus.DONE.value, TicketStatus.CANCELLED.value])))).values(phone=None))
            return repo.conn.execute(select(p.ticket_pk, p.phone, p.phone_key, c.public_id, c.status, c.number,
                                            c.window, c.arrived_at, p.ahead_sent_at, p.called_sent_at)
                                     .join(t.tickets, c.pk == p.ticket_pk)
                                     .where(p.hall == hall_id, p.phone.is_not(None), c.service_day == day,
                                            c.status.in_(LIVE))).all()

        rows = self.service.tx.write(due)
        if self.gateway is None:
            return 0
        sent = 0
        for row in rows:
            if row.status == TicketStatus.CALLED.value and row.called_sent_at is None:
                text = (f"【{self.hall.hall.name}】请 {row.number} 号到 {row.window} 号窗口办理。"
                        + ("" if row.arrived_at else "您尚未确认到场，请先在自助机扫码确认。"))
                sent += self._send(row, "called_sent_at", text)
            elif row.status == TicketStatus.WAITING.value and row.ahead_sent_at is None and self.hall.phone.remind_ahead:
                view = self.service.ticket(row.public_id)
                if view.ahead is None or view.ahead > self.hall.phone.remind_ahead:
                    continue
                wait = f"，约 {max(1, round(view.estimated_wait_s / 60))} 分钟" if view.estimated_wait_s else ""
                come = "请留意叫号。" if row.arrived_at else "请尽快到大厅，在自助机扫码确认到场。"
                text = f"【{self.hall.hall.name}】您的 {row.number} 号前面还有 {view.ahead} 人{wait}，{come}"
                sent += self._send(row, "ahead_sent_at", text)
        return sent

    def _send(self, row, column: str, text: str) -> int:  # noqa: ANN001
        p = t.ticket_phones.c

        def claim(repo: Repository, now: dt.datetime) -> bool:
            return repo.conn.execute(update(t.ticket_phones).where(
                and_(p.ticket_pk == row.ticket_pk, p[column].is_(None))).values({column: now})).rowcount == 1

        if not self.service.tx.write(claim):
            return 0  # another process (or round) sent it
        if not self._within_cap(row.phone_key):
            log.warning("a reminder of %s was not sent: the number had %d this hour", row.number,
                        self.hall.phone.sms_per_phone_hour)
            return 0
        try:
            self.gateway.send(row.phone, text)
        except Undelivered as exc:  # a reminder late is no reminder: it is not retried
            log.warning("a reminder of %s was not delivered: %s", row.number, exc.reason)
            return 0
        return 1

    def _within_cap(self, phone_key: str) -> bool:
        hour = int(self.service.tx.clock().timestamp() // 3600)
        with self._lock:
            count = self._sent.get((phone_key, hour), 0)
            if count >= self.hall.phone.sms_per_phone_hour:
                return False
            self._sent[(phone_key, hour)] = count + 1
            while len(self._sent) > 10000:
                self._sent.popitem(last=False)
            return True
