"""The live monitor's view of the hall now: per category (waiting, the oldest wait, the estimate), per window
(state, who is signed in, the current ticket and how long it has run), today so far, and the alerts a manager
acts on. Ages are given in seconds by the caller's clock; the page counts on from them with its own timer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select

from caller.engine.model import TicketStatus
from caller.notices.book import NoticeBook
from caller.notices.rules import CONDITION_NAMES, NoticeKind
from caller.queue.service import QueueService
from caller.reports.book import ReportBook
from caller.storage import tables as t
from caller.queue.hall_swap import FollowsHall
from caller.cases.book import CaseBook
from caller.followups.book import FollowUpBook

LONG_SERVICE_FACTOR = 2  # a service running this many times its category's expected minutes is an alert


@dataclass(frozen=True)
class Alert:
    kind: str  # long_wait, long_service, tidal, help, device, case_near, case_overdue, sms_retrying, sms_failed,
    # followup_overdue
    text: str  # as the manager reads it
    age_s: int | None = None


class Monitor(FollowsHall):
    def __init__(self, service: QueueService, reports: ReportBook, notices: NoticeBook,
                 cases: CaseBook | None = None, followups: FollowUpBook | None = None):
        self.service = service
        self.reports = reports
        self.notices = notices
        self.cases = cases
        self.followups = followups
        self.rating_export = None  # the 好差评 platform's outbox, given by the app: ratings it gave up on

    def view(self) -> dict:
        hall = self.hall
        now = self.service.tx.clock()
        today = hall.service_day(now)
        snapshot = self.service.queue()
        oldest, signed_in, ratings = self.service.tx.read(lambda repo, at: self._reads(repo.conn, today, at))
        threshold = hall.reports.wait_threshold_minutes * 60
        alerts: list[Alert] = []
        categories = []
        for c in snapshot.categories:
            since = oldest.get(c.id)
            age = round((now - since).total_seconds()) if since else None
            categories.append({"id": c.id, "name": c.name, "waiting": c.waiting, "oldest_wait_s": age,
                               "estimated_wait_s": c.estimated_wait_s, "served_now": c.served_now})
            if age is not None and age > threshold:
                alerts.append(Alert("long_wait", f"{c.name}：最长已等候 {age // 60} 分钟（{c.waiting} 人等候）", age))
        windows = []
        for view in snapshot.windows:
            ticket = view.ticket
            running = round((now - ticket.called_at).total_seconds()) if ticket and ticket.called_at else None
            category = hall.category(ticket.category) if ticket else None
            windows.append({"number": view.spec.number, "name": view.spec.name, "kind": view.spec.kind.value,
                            "state": view.window.state.value, "staff": signed_in.get(view.spec.number),
                            "ticket": ticket.number if ticket else None,
                            "category_name": category.name if category else None, "running_s": running,
                            "tidal_advice": view.advice})
            if running is not None and category and running > LONG_SERVICE_FACTOR * category.service_minutes * 60:
                alerts.append(Alert("long_service", f"{view.spec.name}：{ticket.number} 已办理 {running // 60} 分钟",
                                    running))
            if view.advice:
                verb = "建议开放" if view.advice == "open" else "建议办完当前后关闭"
                alerts.append(Alert("tidal", f"潮汐提示：{verb}{view.spec.name}"))
        for notice in self.notices.open_notices():
            age = round((now - notice.raised_at).total_seconds())
            name = CONDITION_NAMES.get(notice.condition, notice.condition)
            if notice.kind is NoticeKind.HELP and notice.acknowledged_by is None:
                escalated = "，已上报" if notice.escalated_at else ""
                alerts.append(Alert("help", f"{notice.source} {name}：无人接单{escalated}", age))
            elif notice.kind is NoticeKind.DEVICE:
                alerts.append(Alert("device", f"{notice.source}：{name}", age))
        for late in self.cases.open_cases() if self.cases else []:  # 超时提醒: near the promised day, or past it
            where = late.department or "前台"
            if late.timing == "overdue":
                alerts.append(Alert("case_overdue", f"办件超时：{late.case_no} {late.matter}（应于 "
                                                    f"{late.due_day:%m-%d} 办结，在{where}）"))
            elif late.timing == "near":
                alerts.append(Alert("case_near", f"办件临近时限：{late.case_no} {late.matter}（{late.due_day:%m-%d} "
                                                 f"到期，在{where}）"))
        for message in self.cases.outbox.troubled() if self.cases else []:
            if message["state"] == "failed":
                alerts.append(Alert("sms_failed", f"短信发送失败，请电话通知群众：办件 {message['case_no']}"))
            else:
                alerts.append(Alert("sms_retrying", f"短信未送达，正在重试（第 {message['attempts']} 次失败）："
                                                    f"办件 {message['case_no']}"))
        given_up = self.rating_export.given_up() if self.rating_export else 0
        if given_up:
            alerts.append(Alert("haochaping_failed", f"好差评上报失败 {given_up} 条：请检查与省好差评平台的连接"))
        for item in self.followups.listed("overdue") if self.followups else []:
            alerts.append(Alert("followup_overdue", f"{item.kind_name}逾期未答复：{item.what[:20]}（应于 "
                                                    f"{item.due_day:%m-%d} 前答复，负责人 {item.owner or '未指定'}）"))
        so_far = self.reports.report(today, today).total
        return {"now": hall.local(now).isoformat(), "last_event_id": snapshot.last_event_id,
                "threshold_s": threshold, "categories": categories, "windows": windows,
                "today": {**so_far, "ratings": ratings}, "alerts": [a.__dict__ for a in alerts]}

    def _reads(self, conn, today: dt.date, now: dt.datetime) -> tuple[dict, dict, dict]:  # noqa: ANN001
        c, s, m, r, k = t.tickets.c, t.staff_sessions.c, t.staff.c, t.ratings.c, t.tokens.c
        hall = self.hall.hall.id
        oldest = dict(conn.execute(
            select(c.category, func.min(c.queued_at)).where(c.hall == hall, c.service_day == today,
                                                              c.status == TicketStatus.WAITING.value)
            .group_by(c.category)).all())
        signed_in = {window: f"{name}（{staff_no}）" for window, name, staff_no in conn.execute(
            select(s.window, m.name, m.staff_no).join(t.staff, s.staff_id == m.id).join(t.tokens, s.token_id == k.id)
            .where(s.hall == hall, s.ended_at.is_(None), s.window.is_not(None), k.revoked_at.is_(None),
                   k.expires_at > now).order_by(s.id))}
        count, mean, bad = conn.execute(
            select(func.count(), func.avg(r.level), func.sum(case((r.level <= 2, 1), else_=0)))
            .where(r.hall == hall, r.service_day == today)).one()
        ratings = {"count": count, "mean_level": round(float(mean), 2) if mean is not None else None,
                   "dissatisfied": int(bad or 0)}
        return oldest, signed_in, ratings
