"""What the repository's parts share: one hall's rows on one connection."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite


class Rows:
    conn: Connection
    hall: str

    def _insert(self, table):  # noqa: ANN001, ANN202 - dialect-specific INSERT for upserts
        return (sqlite if self.conn.dialect.name == "sqlite" else postgresql).insert(table)
