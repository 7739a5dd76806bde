"""The database schema (SQLAlchemy Core); Alembic migrations create and change it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)

from caller.engine.identity import NAME_MAX_CHARS

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only aliases INTEGER PRIMARY KEY to its rowid; PostgreSQL wants 64-bit ids.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator):
    """An aware datetime stored as naive UTC, so SQLite and PostgreSQL behave alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware one")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect):  # noqa: ANN001
        return None if value is None else value.replace(tzinfo=dt.timezone.utc)


tickets = Table(
    "tickets",
    metadata,
    Column("pk", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("public_id", String(24), nullable=False, unique=True),
    Column("service_day", Date, nullable=False),
    Column("number", String(8), nullable=False),
    Column("category", String(32), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("window", Integer, nullable=True),
    Column("for_window", Integer),  # 转办 to a named window: only it calls the ticket while it is not closed
    Column("recalls", Integer, nullable=False, default=0),
    Column("transfers", Integer, nullable=False, default=0),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("queued_at", UtcDateTime, nullable=False),
    # queued_at less the head start: ordering by it is ordering by age + head start (the calling rule's key)
    Column("order_at", UtcDateTime, nullable=False),
    Column("called_at", UtcDateTime),
    Column("started_at", UtcDateTime),
    Column("finished_at", UtcDateTime),
    Column("no_show_at", UtcDateTime),
    Column("name_masked", String(NAME_MAX_CHARS)),  # as long as the API lets a name be
    Column("id_masked", String(24)),
    Column("source", String(32)),
    Column("receipt", String(12)),  # printed / unprinted, as the kiosk or a counter's reprint reported
    Column("version", Integer, nullable=False, default=0),
    # a number taken from the phone, called only once confirmed in the hall (caller/engine/arrival.py)
    Column("remote", Boolean, nullable=False, default=False, server_default=false()),
    Column("arrived_at", UtcDateTime),
    Column("reached_at", UtcDateTime),
    UniqueConstraint("hall", "service_day", "number", name="uq_tickets_day_number"),
    Index("ix_tickets_queue", "hall", "service_day", "status", "category", "order_at"),
    Index("ix_tickets_age", "hall", "service_day", "status", "category", "queued_at"),
)

# a keyed digest of a ticket's ID number (HMAC under the hall's secret), never the number itself: it tells that
# two tickets are one citizen's (one live ticket per ID and category) and nothing else
ticket_id_keys = Table(
    "ticket_id_keys",
    metadata,
    Column("ticket_pk", BigId, ForeignKey("tickets.pk"), primary_key=True),
    Column("id_key", String(32), nullable=False, index=True),
)

number_counters = Table(
    "number_counters",
    metadata,
    Column("hall", String(32), primary_key=True),
    Column("service_day", Date, primary_key=True),
    Column("prefix", String(2), primary_key=True),
    Column("last", Integer, nullable=False),
)

windows = Table(
    "windows",
    metadata,
    Column("hall", String(32), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("state", String(16), nullable=False),
    Column("ticket_id", String(24), nullable=True),
    Column("state_since", UtcDateTime),
    Column("version", Integer, nullable=False, default=0),
    # tidal windows: the advice in force (open / close) and since when the queue has been calm
    Column("advice", String(8)),
    Column("calm_since", UtcDateTime),
)

events = Table(
    "events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("service_day", Date, nullable=False),
    Column("type", String(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("ticket_pk", BigId, ForeignKey("tickets.pk"), nullable=True),
    Column("number", String(8)),
    Column("category", String(32)),
    Column("window", Integer),
    Column("status", String(16)),
    Column("data", Text, nullable=False, default="{}"),
    Index("ix_events_stream", "hall", "service_day", "id"),
    Index("ix_events_hall", "hall", "id"),  # a hall's newest event, in a database of many halls
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("hall", String(32), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("ticket_pk", BigId, ForeignKey("tickets.pk"), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("window", Integer),
    Column("label", String(64), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    Column("staff_id", BigId, ForeignKey("staff.id")),  # a counter session of a signed-in staff member
    Column("expires_at", UtcDateTime),  # a session ends by itself then
)

# 工作人员: accounts with a PIN hash (argon2), their roles and the windows they may sign in to
staff = Table(
    "staff",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("staff_no", String(16), nullable=False),  # 工号
    Column("name", String(64), nullable=False),
    Column("pin_hash", String(128), nullable=False),
    Column("roles", String(64), nullable=False),  # comma-separated StaffRole values
    Column("windows", String(128), nullable=False),  # "1-6,9" as numbers "1,2,3", or "*"
    Column("wrong_pins", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("disabled_at", UtcDateTime),
    Column("department", String(64)),  # a back-office department's member: the department they act for
    UniqueConstraint("hall", "staff_no", name="uq_staff_hall_staff_no"),
)

# who was signed in where, from when to when: 考勤 (logged-in hours) and attribution
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("staff_id", BigId, ForeignKey("staff.id"), nullable=False),
    Column("window", Integer),  # none: signed in at the 咨询台
    Column("token_id", BigId, ForeignKey("tokens.id"), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    Column("ended_by", String(16)),  # sign-out, expired, disabled, replaced
    Index("ix_staff_sessions_staff", "hall", "staff_id", "started_at"),
)


notices = Table(
    "notices",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("kind", String(16), nullable=False),  # help | device
    Column("source", String(32), nullable=False),  # the kiosk or board: kiosk-1, board-lobby
    Column("condition", String(24), nullable=False),  # help, paper-out, offline, …
    Column("note", String(64)),  # a help request's note, masked
    Column("raised_at", UtcDateTime, nullable=False),
    Column("acknowledged_at", UtcDateTime),
    Column("acknowledged_by", String(64)),  # the member who took it: 姓名（工号）
    Column("escalated_at", UtcDateTime),  # gone to the manager, nobody having taken it in time
    Column("cleared_at", UtcDateTime),
    Column("cleared_by", String(64)),  # the member who finished it, or "device" when the device recovered
    Index("ix_notices_open", "hall", "cleared_at"),
)


devices = Table(
    "devices",
    metadata,
    Column("hall", String(32), primary_key=True),
    Column("name", String(32), primary_key=True),  # kiosk-1, board-lobby
    Column("role", String(16), nullable=False),  # kiosk | display
    Column("last_seen", UtcDateTime, nullable=False),  # the caller's clock when the last report came
)


hall_versions = Table(
    "hall_versions",
    metadata,
    Column("hall", String(32), primary_key=True),
    Column("version", Integer, primary_key=True),  # 1, 2, …: the newest is the hall every caller process runs
    Column("toml", Text, nullable=False),  # the whole hall file of this version
    Column("action", String(16), nullable=False),  # file (read at startup) | edit | import | restore
    Column("author", String(64), nullable=False),  # 姓名（工号）, or 配置文件 for the file read at startup
    Column("at", UtcDateTime, nullable=False),
    Column("note", String(200)),  # what changed, and what happened to waiting tickets
    Column("file_sha", String(64)),  # action file: the file's digest, so an unchanged file does not undo edits
)

report_days = Table(
    "report_days",
    metadata,
    Column("hall", String(32), primary_key=True),
    Column("day", Date, primary_key=True),  # a finished service day
    Column("format", Integer, nullable=False),  # caller/reports/rollup.py FORMAT: older ones are recomputed
    Column("figures", Text, nullable=False),  # the day's figures as JSON, every wait and handling time kept
    Column("computed_at", UtcDateTime, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("pk", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("case_no", String(40), nullable=False),  # 办件编号: typed, scanned or from the intake platform
    Column("ticket_pk", BigId, ForeignKey("tickets.pk")),  # the ticket that brought the citizen, if any
    Column("category", String(32), nullable=False),
    Column("matter", String(64), nullable=False),  # the matter's name as the window recorded it
    Column("kind", String(16), nullable=False),  # immediate | promised | joint
    Column("state", String(16), nullable=False),
    Column("limit_days", Integer),  # 承诺时限 in working days (none for 即办件)
    Column("received_at", UtcDateTime, nullable=False),
    Column("received_day", Date, nullable=False),
    Column("due_day", Date),  # by the hall's working-day calendar
    Column("received_by", String(64), nullable=False),  # 首问负责: 姓名（工号）
    Column("window", Integer),
    Column("department", String(64)),  # who holds it now (the back office it was handed to)
    Column("updated_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime),  # approved, rejected or ready: the time limit is met or missed here
    Column("closed_at", UtcDateTime),
    Column("version", Integer, nullable=False, default=0),
    # kept only while the case is open (PIPL): the citizen's ID as a keyed digest (picking up by ID card) and the
    # pick-up code's digest; the receiver's masked ID and the masked address once it is closed
    Column("id_key", String(32), index=True),
    Column("pickup_key", String(32), index=True),
    Column("pickup_ticket_pk", BigId, ForeignKey("tickets.pk")),
    Column("receiver_masked", String(24)),
    Column("mailed_to", String(64)),  # masked address and tracking number of a mailed result
    Column("phone", String(11)),  # for the case's text messages, with the citizen's consent; deleted at close
    UniqueConstraint("hall", "case_no", name="uq_cases_number"),
    Index("ix_cases_open", "hall", "closed_at", "due_day"),
)

sms_outbox = Table(
    "sms_outbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("case_pk", BigId, ForeignKey("cases.pk"), nullable=False),
    Column("kind", String(16), nullable=False),  # ready | needs-material
    Column("text", String(300), nullable=False),  # the message (a pick-up code, never an ID number)
    Column("state", String(8), nullable=False),  # pending | sent | failed (gave up: staff call the citizen)
    Column("attempts", Integer, nullable=False),
    Column("next_at", UtcDateTime, nullable=False),
    Column("last_error", String(120)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Index("ix_sms_outbox_due", "hall", "state", "next_at"),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("case_pk", BigId, ForeignKey("cases.pk"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("actor", String(64), nullable=False),  # 姓名（工号） at the window, or the department's token label
    Column("note", String(200)),  # the 交接记录's note, or what the back office said (materials to bring)
    Index("ix_case_events_case", "case_pk", "id"),
)

appointments = Table(
    "appointments",
    metadata,
    Column("pk", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("public_id", String(24), nullable=False, unique=True),
    Column("category", String(32), nullable=False),
    Column("slot_start", UtcDateTime, nullable=False),
    Column("slot_end", UtcDateTime, nullable=False),
    # 1..per_slot: the unique seat keeps two kiosks booking at once from overfilling a slot
    Column("seat", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # booked, checked-in, cancelled
    Column("booked_at", UtcDateTime, nullable=False),
    Column("checked_in_at", UtcDateTime),
    Column("ticket_id", String(24)),
    Column("source", String(32)),
    Column("id_key", String(32), index=True),  # the booker's ID or phone number as a keyed digest (ticket_id_keys)
    Column("id_masked", String(24)),  # and masked, for the staff who check a booking
    Column("booked_by", Integer),  # the token that booked it: the per-source limit
    UniqueConstraint("hall", "category", "slot_start", "seat", name="uq_appointments_seat"),
)

# secrets the caller processes of a hall share, created on first use (e.g. the key that signs QR codes)
hall_secrets = Table(
    "hall_secrets",
    metadata,
    Column("hall", String(32), primary_key=True),
    Column("name", String(32), primary_key=True),
    Column("value", String(128), nullable=False),
)


# 好差评: one rating per finished service (一事一评), keyed by the ticket-finished event it rates
ratings = Table(
    "ratings",
    metadata,
    Column("pk", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("finish_event_id", BigId, nullable=False, unique=True),
    Column("ticket_pk", BigId, nullable=False),
    Column("number", String(8), nullable=False),
    Column("service_day", Date, nullable=False),
    Column("category", String(32), nullable=False),
    Column("window", Integer),
    Column("staff", String(64)),
    Column("level", Integer, nullable=False),  # 5 非常满意 … 1 非常不满意
    Column("reason", String(200)),
    Column("reason_codes", String(128)),  # the reason classes picked (caller.ratings.rules.REASONS), comma-separated
    Column("channel", String(16), nullable=False),  # tablet (at the window) or phone (the slip's QR)
    Column("rated_at", UtcDateTime, nullable=False),
    Index("ix_ratings_day", "hall", "service_day"),
)

followups = Table(
    "followups",
    metadata,
    Column("pk", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("kind", String(16), nullable=False),  # complaint (找茬, 一次办不好) | rating (整改 of a bad rating)
    Column("rating_pk", BigId, ForeignKey("ratings.pk"), unique=True),
    Column("case_no", String(40)),  # the case it is about, if any
    Column("window", Integer),  # the window it is about, if any
    Column("staff", String(64)),  # who served, for a bad rating
    Column("what", String(300), nullable=False),  # masked like every free text
    Column("complainant", String(16)),  # masked name
    Column("owner", String(64)),  # who answers for it
    Column("state", String(12), nullable=False),  # open | replied | closed
    Column("due_day", Date, nullable=False),  # by the hall's working days
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("replied_at", UtcDateTime),
    Column("reply", String(300)),
    Column("closed_at", UtcDateTime),
    Column("callback", String(16)),  # 回访: satisfied | basic | dissatisfied
    Column("callback_note", String(200)),
    Index("ix_followups_open", "hall", "state", "due_day"),
)

rating_exports = Table(
    "rating_exports",
    metadata,
    Column("rating_pk", BigId, ForeignKey("ratings.pk"), primary_key=True),
    Column("hall", String(32), nullable=False),
    Column("payload", Text, nullable=False),  # what is (and was) sent to the provincial 好差评 platform, as JSON
    Column("state", String(8), nullable=False),  # pending | sent | failed (given up: shown to the manager)
    Column("attempts", Integer, nullable=False),
    Column("next_at", UtcDateTime, nullable=False),
    Column("last_error", String(120)),
    Column("sent_at", UtcDateTime),
    Index("ix_rating_exports_due", "hall", "state", "next_at"),
)

phone_codes = Table(
    "phone_codes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("hall", String(32), nullable=False),
    Column("phone_key", String(32), nullable=False),  # the mobile number as a keyed digest: never the number
    Column("code_key", String(32), nullable=False),  # the code as a keyed digest
    Column("sent_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("tries", Integer, nullable=False),  # wrong codes entered: the fifth burns it
    Column("used_at", UtcDateTime),
    Index("ix_phone_codes_phone", "hall", "phone_key", "sent_at"),
)

# the mobile number of a number taken from the phone, for its reminders (N ahead, called): kept only while the
# ticket is live, deleted when it ends; each reminder is sent once (its time marks it taken)
ticket_phones = Table(
    "ticket_phones",
    metadata,
    Column("ticket_pk", BigId, ForeignKey("tickets.pk"), primary_key=True),
    Column("hall", String(32), nullable=False),
    Column("phone_key", String(32), nullable=False),  # the number as a keyed digest: per-phone limits, for the day
    Column("phone", String(11)),  # the number itself, blanked when the ticket ends
    Column("ahead_sent_at", UtcDateTime),
    Column("called_sent_at", UtcDateTime),
    Index("ix_ticket_phones_phone", "hall", "phone_key"),
)

# the readiness check writes its hall's row, to learn whether the database takes writes now
health_probes = Table(
    "health_probes",
    metadata,
    Column("hall", String(32), primary_key=True),
    Column("probed_at", UtcDateTime, nullable=False),
)


# a one-time code a counter shows to pair its window's evaluator tablet (hashed; a few tries, then void)
pairing_codes = Table(
    "pairing_codes",
    metadata,
    Column("hall", String(32), primary_key=True),
    Column("window", Integer, primary_key=True),
    Column("code_hash", String(64), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
)
