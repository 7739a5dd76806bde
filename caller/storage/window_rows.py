"""The repository's window rows: state, the ticket held, the tidal rule's advice, conditional updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Row, select, update

from caller.engine.model import Window, WindowState
from caller.storage import hot_statements as hot
from caller.storage import tables as t
from caller.storage.rows import Rows


def _window(row: Row) -> Window:
    return Window(
        number=row.number,
        state=WindowState(row.state),
        ticket_id=row.ticket_id,
        state_since=row.state_since,
        version=row.version,
    )


class WindowRows(Rows):
    def window(self, number: int, *, for_update: bool = False) -> Window | None:
        query = hot.WINDOW_LOCKED if for_update else hot.WINDOW
        row = self.conn.execute(query, {"w_hall": self.hall, "w_number": number}).first()
        return _window(row) if row else None

    def locked_window(self, number: int) -> Window:
        """A window's row, locked for this transaction (created closed if configured after startup)."""
        window = self.window(number, for_update=True)
        if window is None:
            self.ensure_windows([number])
            window = self.window(number, for_update=True)
        assert window is not None
        return window

    def windows(self, *, lock_free_ones: bool = False) -> list[Window]:
        """The hall's windows; with `lock_free_ones`, only those no other transaction holds, locked (SKIP LOCKED)."""
        query = select(t.windows).where(t.windows.c.hall == self.hall).order_by(t.windows.c.number)
        if lock_free_ones:
            query = query.with_for_update(skip_locked=True)
        return [_window(row) for row in self.conn.execute(query)]

    def ensure_windows(self, numbers: Sequence[int]) -> None:
        for number in numbers:
            self.conn.execute(
                self._insert(t.windows)
                .values(hall=self.hall, number=number, state=WindowState.CLOSED.value, version=0)
                .on_conflict_do_nothing()
            )

    def tidal_state(self, number: int) -> tuple[str | None, dt.datetime | None]:
        """The advice in force for a tidal window and since when the queue has been calm."""
        row = self.conn.execute(
            select(t.windows.c.advice, t.windows.c.calm_since).where(
                t.windows.c.hall == self.hall, t.windows.c.number == number
            )
        ).first()
        return (row.advice, row.calm_since) if row else (None, None)

    def set_tidal_state(self, number: int, advice: str | None, calm_since: dt.datetime | None) -> None:
        self.conn.execute(
            update(t.windows)
            .where(t.windows.c.hall == self.hall, t.windows.c.number == number)
            .values(advice=advice, calm_since=calm_since)
        )

    def advice_by_window(self) -> dict[int, str]:
        rows = self.conn.execute(
            select(t.windows.c.number, t.windows.c.advice).where(
                t.windows.c.hall == self.hall, t.windows.c.advice.is_not(None)
            )
        )
        return {number: advice for number, advice in rows}

    def update_window(self, window: Window) -> bool:
        result = self.conn.execute(hot.UPDATE_WINDOW, {
            "w_hall": self.hall, "w_number": window.number, "w_version": window.version,
            "state": window.state.value, "ticket_id": window.ticket_id, "state_since": window.state_since,
            "version": window.version + 1})
        if result.rowcount == 1:
            window.version += 1
            return True
        return False
