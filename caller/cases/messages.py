"""Text messages of cases (ready for pick-up, material needed), kept in an outbox and sent by the periodic check:
a gateway that is down or refuses is retried with growing pauses, then given up and shown to staff, so no message
is lost silently. A pick-up code in a message is blanked once it is sent; the phone number stays on the case only
while the case is open."""

from __future__ import annotations

import datetime as dt
import logging
import re

from sqlalchemy import select, update

from caller.notify.sms import SmsFailed, SmsGateway
from caller.queue.deliveries import Deliveries
from caller.queue.service import QueueService
from caller.storage import tables as t
from caller.storage.repository import Repository

log = logging.getLogger(__name__)
BATCH = 20


def ready_text(hall_name: str, case_no: str, matter: str, code: str) -> str:
    return (f"【{hall_name}】您的办件 {case_no}（{matter}）已办结，请凭取件码 {code} 和本人身份证到统一出件窗口领取，"
            f"或在自助机上输入取件码取号。")


def material_text(hall_name: str, case_no: str, matter: str, note: str | None) -> str:
    what = f"：{note}" if note else ""
    return f"【{hall_name}】您的办件 {case_no}（{matter}）需补正材料{what}。请备齐后到窗口提交。"


class Outbox:
    def __init__(self, service: QueueService, gateway: SmsGateway | None):
        self.service = service
        self.gateway = gateway
        self.deliveries = Deliveries(service.tx, t.sms_outbox, "id")

    @property
    def hall_id(self) -> str:
        return self.service.hall.hall.id

    def enqueue(self, repo: Repository, case_pk: int, kind: str, text: str, now: dt.datetime) -> None:
        """Within the transaction that made the case ready (or asked for material): nothing without a gateway."""
        if self.gateway is None:
            return
        repo.conn.execute(t.sms_outbox.insert().values(hall=self.hall_id, case_pk=case_pk, kind=kind, text=text[:300],
                                                       state="pending", attempts=0, next_at=now, created_at=now))

    def send_due(self) -> int:
        """Send what is due (the periodic check, and at once after a report); returns how many went out."""
        if self.gateway is None:
            return 0
        o, c = t.sms_outbox.c, t.cases.c

        def due(repo: Repository, now: dt.datetime) -> list:
            return repo.conn.execute(
                select(o.id, o.text, o.attempts, c.phone, c.case_no).join(t.cases, c.pk == o.case_pk)
                .where(o.hall == self.hall_id, o.state == "pending", o.next_at <= now).order_by(o.id).limit(BATCH)).all()

        sent = 0
        for row in self.service.tx.read(due):
            if not self.deliveries.claim(row.id):
                continue  # another process (or round) is sending it
            try:
                if not row.phone:
                    raise SmsFailed("no phone number (the case closed)")
                self.gateway.send(row.phone, row.text)
            except SmsFailed as exc:
                if self.deliveries.failed(row.id, row.attempts, exc.reason):
                    log.warning("a text message of case %s was given up after %d attempts: %s", row.case_no,
                                row.attempts + 1, exc.reason)
                    self._keep_blanked(row.id, row.text)  # staff call the citizen, who picks up by ID card
                continue
            self.deliveries.sent(row.id, row.attempts, text=_blanked(row.text))  # the code is not kept once sent
            sent += 1
        return sent

    def _keep_blanked(self, message_id: int, text: str) -> None:
        self.service.tx.write(lambda repo, now: repo.conn.execute(
            update(t.sms_outbox).where(t.sms_outbox.c.id == message_id).values(text=_blanked(text))))

    def of_case(self, repo: Repository, case_pk: int) -> list[dict]:
        o = t.sms_outbox.c
        return [{"kind": r.kind, "state": r.state, "attempts": r.attempts, "last_error": r.last_error,
                 "sent_at": r.sent_at.isoformat() if r.sent_at else None}
                for r in repo.conn.execute(select(t.sms_outbox).where(o.case_pk == case_pk).order_by(o.id))]

    def troubled(self) -> list[dict]:
        """Messages not delivered after a try, and those given up (staff call the citizen), for the monitor."""
        o, c = t.sms_outbox.c, t.cases.c

        def work(repo: Repository, now: dt.datetime) -> list[dict]:
            rows = repo.conn.execute(
                select(c.case_no, o.state, o.attempts, o.last_error).join(t.cases, c.pk == o.case_pk)
                .where(o.hall == self.hall_id, c.closed_at.is_(None),
                       (o.state == "failed") | ((o.state == "pending") & (o.attempts > 0))).order_by(o.id))
            return [dict(r._mapping) for r in rows]

        return self.service.tx.read(work)


def _blanked(text: str) -> str:
    """The message as kept once sent: its pick-up code blanked (the hall keeps only the code's digest)."""
    return re.sub(r"取件码 \d{8}", "取件码 ********", text)
