"""Ratings for the provincial 好差评 platform: each rating, in the shape such a platform takes (per service: the case
number, matter, window, staff, level, reason classes, channel and time), is kept as sent and posted to the
configured URL (a signed JSON POST); what fails is retried, then given up and shown to the manager."""

from __future__ import annotations

import datetime as dt
import json
import logging

from sqlalchemy import func, select

from caller.engine.identity import mask_text
from caller.notify.signed import SignedPoster, Undelivered
from caller.queue.deliveries import Deliveries
from caller.queue.service import QueueService
from caller.ratings.rules import LEVEL_NAMES, REASONS
from caller.storage import tables as t
from caller.storage.repository import Repository

log = logging.getLogger(__name__)
CHANNELS = {"tablet": "窗口评价器", "phone": "扫码评价"}
BATCH = 50


def payload(hall_id: str, hall_name: str, rating_pk: int, *, service_id: str, case_no: str | None, matter: str,
            window: int | None, staff: str | None, level: int, reason_codes: list[str], reason: str | None,
            channel: str, rated_at: str) -> dict:
    """One service's rating as the platform takes it (一事一评: `service_id` is unique per service)."""
    return {"hall_id": hall_id, "hall_name": hall_name, "rating_id": rating_pk, "service_id": service_id,
            "case_no": case_no, "matter": matter, "window": window, "staff": staff, "level": level,
            "level_name": LEVEL_NAMES[level], "reason_classes": [REASONS.get(c, c) for c in reason_codes],
            "reason_text": mask_text(reason) if reason else None, "channel": CHANNELS.get(channel, channel),
            "rated_at": rated_at}


class PlatformExport:
    def __init__(self, service: QueueService, poster: SignedPoster | None):
        self.service = service
        self.poster = poster
        self.deliveries = Deliveries(service.tx, t.rating_exports, "rating_pk")

    @property
    def hall(self):  # noqa: ANN201
        return self.service.hall

    def enqueue(self, repo: Repository, now: dt.datetime, rating_pk: int) -> None:
        """In the rating's own transaction: the payload kept, to be sent (or exported) later."""
        r, c = t.ratings.c, t.cases.c
        row = repo.conn.execute(select(t.ratings).where(r.pk == rating_pk)).one()
        case_no = repo.conn.execute(select(c.case_no).where(c.ticket_pk == row.ticket_pk).order_by(c.pk)
                                    .limit(1)).scalar()
        category = self.hall.category(row.category)
        body = payload(self.hall.hall.id, self.hall.hall.name, rating_pk,
                       service_id=f"{self.hall.hall.id}-{row.finish_event_id}", case_no=case_no,
                       matter=category.name if category else row.category, window=row.window, staff=row.staff,
                       level=row.level, reason_codes=[x for x in (row.reason_codes or "").split(",") if x],
                       reason=row.reason, channel=row.channel, rated_at=self.hall.local(now).isoformat())
        repo.conn.execute(t.rating_exports.insert().values(
            rating_pk=rating_pk, hall=self.hall.hall.id, payload=json.dumps(body, ensure_ascii=False),
            state="pending", attempts=0, next_at=now))  # with no platform configured yet, it waits for one

    def send_due(self) -> int:
        if self.poster is None:
            return 0
        x = t.rating_exports.c

        def due(repo: Repository, now: dt.datetime) -> list:
            return repo.conn.execute(select(x.rating_pk, x.payload, x.attempts).where(
                x.hall == self.hall.hall.id, x.state == "pending", x.next_at <= now).order_by(x.rating_pk)
                .limit(BATCH)).all()

        sent = 0
        for row in self.service.tx.read(due):
            if not self.deliveries.claim(row.rating_pk):
                continue
            try:
                self.poster.post(json.loads(row.payload))
            except Undelivered as exc:
                if self.deliveries.failed(row.rating_pk, row.attempts, exc.reason):
                    log.warning("rating %d was given up for the 好差评 platform: %s", row.rating_pk, exc.reason)
                continue
            self.deliveries.sent(row.rating_pk, row.attempts)
            sent += 1
        return sent

    def listed(self, first: dt.date, last: dt.date) -> list[dict]:
        """The ratings of the days as the platform takes them, each with its delivery state."""
        x, r = t.rating_exports.c, t.ratings.c

        def work(repo: Repository, now: dt.datetime) -> list[dict]:
            rows = repo.conn.execute(select(x.payload, x.state, x.attempts, x.last_error).join(
                t.ratings, r.pk == x.rating_pk).where(x.hall == self.hall.hall.id, r.service_day >= first,
                                                      r.service_day <= last).order_by(x.rating_pk))
            return [{**json.loads(row.payload), "delivery": {"state": row.state, "attempts": row.attempts,
                                                             "last_error": row.last_error}} for row in rows]

        return self.service.tx.read(work)

    def given_up(self) -> int:
        x = t.rating_exports.c
        return self.service.tx.read(lambda repo, now: repo.conn.execute(select(func.count()).where(
            x.hall == self.hall.hall.id, x.state == "failed")).scalar_one())
