"""One live ticket per ID number and category (issue 10: a card left on the reader took A001, A002 and B001)."""

import hashlib

import pytest
from sqlalchemy import select

from caller.engine.model import QueueError
from caller.queue.service import IssueRequest
from caller.storage import tables
from tests.conftest import make_service

LI_SI = "110105198005020027"


def issue(service, category="shebao", **kwargs):
    return service.issue(IssueRequest(category, name="李四", id_number=LI_SI, **kwargs))


def test_a_second_ticket_for_the_same_id_and_matter_is_refused_naming_the_first(service):
    first = issue(service)
    with pytest.raises(QueueError) as err:
        issue(service)
    assert err.value.code == "already_queued" and err.value.status == 409
    assert first.ticket.number in err.value.message and "社保" in err.value.message
    assert issue(service, "yibao").ticket.number == "B001"  # another matter is another queue
    other = service.issue(IssueRequest("shebao", id_number="110105195003070019"))
    assert other.ticket.number == "A002"  # another citizen


def test_the_rule_counts_live_tickets_only_and_a_retry_with_its_key_still_gets_its_ticket(service):
    first = service.issue(IssueRequest("shebao", id_number=LI_SI), "kiosk-1:7")
    again = service.issue(IssueRequest("shebao", id_number=LI_SI), "kiosk-1:7")
    assert again.replayed and again.ticket.id == first.ticket.id
    service.open(7)
    service.call_next(7)
    with pytest.raises(QueueError):
        issue(service)  # called, not yet served: still live
    service.finish(7)
    assert issue(service).ticket.number == "A002"  # served: a new matter may start


def test_the_id_number_is_kept_only_as_a_keyed_digest(service):
    issue(service)
    with service.db.read() as conn:
        (key,) = conn.execute(select(tables.ticket_id_keys.c.id_key)).one()
    assert key and LI_SI not in key and key not in hashlib.sha256(LI_SI.encode()).hexdigest()


def test_a_hall_may_allow_several_tickets_per_id(hall, db_url, clock):
    lenient = hall.model_copy(update={"queue": hall.queue.model_copy(update={"one_live_ticket_per_id": False})})
    service = make_service(lenient, db_url, clock)
    try:
        assert [issue(service).ticket.number for _ in range(2)] == ["A001", "A002"]
    finally:
        service.db.engine.dispose()
