"""The phone code: what the slip's QR carries so that the citizen, and only the citizen, can follow the ticket
on a phone and rate the service. It is the ticket's id signed with a hall secret: boards, kiosks and
counters see ticket ids, never codes, and a code cannot be made from an id without the secret."""

from __future__ import annotations

from itsdangerous import BadSignature

from caller.engine.model import QueueError
from caller.queue.signing import HallSigner
from caller.queue.transactions import Transactions


class BadCode(QueueError):
    status = 400


class PhoneCodes:
    SECRET_NAME = "phone-code-signing"

    def __init__(self, tx: Transactions, hall_id: str):
        self._signer = HallSigner(tx, hall_id, self.SECRET_NAME, salt="onewindow-phone")

    def code(self, ticket_id: str) -> str:
        return self._signer.dumps(ticket_id)

    def ticket_id(self, code: str) -> str:
        try:
            ticket_id = self._signer.loads(code.strip())
        except BadSignature:
            raise BadCode("invalid_code", "号票二维码无效 / not a valid code of this hall's slips") from None
        if not isinstance(ticket_id, str):
            raise BadCode("invalid_code", "号票二维码无效 / not a valid code")
        return ticket_id
