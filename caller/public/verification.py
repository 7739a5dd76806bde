"""Proving a mobile number: a 6-digit code by SMS, entered on the phone page, gives a signed phone pass for 30
minutes. Only digests of the number and the code are stored. Against bots and SMS pumping: one code a minute per
number, five a day per number, twenty a day per address (in this process's memory), five wrong tries burn a code."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import OrderedDict

from sqlalchemy import func, select, update

from caller.engine.identity import mask_phone
from caller.engine.model import QueueError
from caller.notify.signed import Undelivered
from caller.notify.sms import SmsGateway
from caller.queue.service import QueueService
from caller.queue.signing import HallSigner
from caller.storage import tables as t
from caller.storage.repository import Repository

CODE_VALID = dt.timedelta(minutes=5)
PASS_VALID = dt.timedelta(minutes=30)
COOLDOWN = dt.timedelta(seconds=60)
PER_PHONE_PER_DAY = 5
PER_ADDRESS_PER_DAY = 20
MAX_TRIES = 5


class TooMany(QueueError):
    status = 429

    def __init__(self, code: str, message: str, retry_after_s: int):
        super().__init__(code, message)
        self.retry_after_s = retry_after_s


class Refused(QueueError):
    status = 422


class Unavailable(QueueError):
    status = 503


class PassInvalid(QueueError):
    status = 401


class PhoneVerification:
    def __init__(self, service: QueueService, gateway: SmsGateway | None, demo: bool = False):
        self.service = service
        self.gateway = gateway
        self.demo = demo  # ./dev hall without a gateway: the code is given in the answer instead of by SMS
        self.keys = HallSigner(service.tx, service.hall.hall.id, "phone-key", salt="onewindow-phone")
        self.passes = HallSigner(service.tx, service.hall.hall.id, "phone-pass", salt="onewindow-phone-pass")
        self._by_address: OrderedDict[tuple[str, dt.date], int] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def hall(self):  # noqa: ANN201
        return self.service.hall

    def send_code(self, phone: str, address: str) -> dict:
        """A new code to `phone`; refused within the cool-down (429 `code_cooldown`), past the daily caps (429
        `code_daily_cap`), or when no SMS gateway is configured (409 `sms_unavailable`)."""
        if self.gateway is None and not self.demo:
            raise QueueError("sms_unavailable", "本大厅未开通短信验证，请到现场办理 / no SMS gateway here")
        phone_key = self.keys.digest(phone)
        code = f"{secrets.randbelow(10**6):06d}"
        code_key = self.keys.digest(f"{phone}:{code}")
        now = self.service.tx.clock()
        day = self.hall.service_day(now)
        self._count_address(address, day)

        def work(repo: Repository, now: dt.datetime) -> None:
            p = t.phone_codes.c
            last = repo.conn.execute(select(func.max(p.sent_at)).where(p.hall == self.hall.hall.id,
                                                                      p.phone_key == phone_key)).scalar()
            if last is not None and now - last < COOLDOWN:
                wait = int((COOLDOWN - (now - last)).total_seconds()) + 1
                raise TooMany("code_cooldown", f"验证码已发送，请 {wait} 秒后再试 / wait before asking again", wait)
            today = repo.conn.execute(select(func.count()).where(
                p.hall == self.hall.hall.id, p.phone_key == phone_key,
                p.sent_at >= self.hall.day_start(day))).scalar_one()
            if today >= PER_PHONE_PER_DAY:
                raise TooMany("code_daily_cap", "今日验证码次数已用完，请明天再试 / no more codes today for this number",
                              int((self.hall.day_start(day + dt.timedelta(days=1)) - now).total_seconds()))
            repo.conn.execute(t.phone_codes.insert().values(
                hall=self.hall.hall.id, phone_key=phone_key, code_key=code_key, sent_at=now,
                expires_at=now + CODE_VALID, tries=0))

        self.service.tx.write(work)
        answer = {"phone_masked": mask_phone(phone), "valid_s": int(CODE_VALID.total_seconds()),
                  "again_after_s": int(COOLDOWN.total_seconds())}
        if self.gateway is None:
            return answer | {"demo_code": code}  # demo mode only
        try:
            self.gateway.send(phone, f"【{self.hall.hall.name}】验证码 {code}，5 分钟内有效。如非本人操作，请忽略。")
        except Undelivered:
            raise Unavailable("sms_failed", "短信发送失败，请稍后再试 / the text message could not be sent") from None
        return answer

    def verify(self, phone: str, code: str) -> dict:
        """A phone pass for 30 minutes for the right code; 422 `wrong_code` (the fifth burns it) or `code_expired`."""
        phone_key = self.keys.digest(phone)
        code_key = self.keys.digest(f"{phone}:{code}")

        def work(repo: Repository, now: dt.datetime) -> bool:
            p = t.phone_codes.c
            row = repo.conn.execute(select(t.phone_codes).where(
                p.hall == self.hall.hall.id, p.phone_key == phone_key, p.used_at.is_(None))
                .order_by(p.id.desc()).limit(1)).first()
            if row is None or row.expires_at <= now:
                return False
            if row.code_key != code_key:
                tries = row.tries + 1
                repo.conn.execute(update(t.phone_codes).where(p.id == row.id).values(
                    tries=tries, used_at=now if tries >= MAX_TRIES else None))
                return False
            repo.conn.execute(update(t.phone_codes).where(p.id == row.id).values(used_at=now))
            return True

        if not self.service.tx.write(work):
            raise Refused("wrong_code", "验证码不正确或已失效，请重新获取 / wrong or expired code")
        until = self.service.tx.clock() + PASS_VALID
        token = self.passes.dumps({"p": phone, "u": until.timestamp()})
        return {"pass": token, "phone_masked": mask_phone(phone), "expires_at": self.hall.local(until).isoformat()}

    def phone_of(self, token: str) -> str:
        """The number a phone pass proves; 401 `pass_invalid` when forged or expired."""
        from itsdangerous import BadSignature

        try:
            value = self.passes.loads(token)
        except BadSignature:
            value = None
        if not value or value.get("u", 0) < self.service.tx.clock().timestamp():
            raise PassInvalid("pass_invalid", "手机验证已失效，请重新验证 / verify the number again")
        return value["p"]

    def _count_address(self, address: str, day: dt.date) -> None:
        with self._lock:
            key = (address, day)
            seen = self._by_address.pop(key, 0) + 1
            self._by_address[key] = seen
            while len(self._by_address) > 50_000:
                self._by_address.popitem(last=False)
        if seen > PER_ADDRESS_PER_DAY:
            raise TooMany("code_address_cap", "本网络今日获取验证码过多，请明天再试 / too many codes from here today",
                          3600)
