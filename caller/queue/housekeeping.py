"""The caller's periodic duties: the tidal rule, and settling tickets that earlier days left live."""

from __future__ import annotations

import datetime as dt

from caller.engine import model
from caller.engine.model import EventType, WindowState
from caller.engine.tidal import TidalAdvice
from caller.hall import Hall, WindowKind
from caller.queue.standing import Standing
from caller.queue.transactions import Conflict, Transactions
from caller.storage.repository import Repository


class Housekeeping:
    """Run by the app every `tidal_check_s` (and at startup); any caller process may run it, and often."""

    def __init__(self, hall: Hall, tx: Transactions, standing: Standing):
        self.hall = hall
        self.tx = tx
        self.standing = standing

    def close_past_days(self) -> int:
        """Settle tickets left live by earlier days and free their windows; returns how many. Idempotent."""

        def work(repo: Repository, now: dt.datetime) -> int:
            tickets = repo.live_before(self.hall.service_day(now))
            for ticket in tickets:
                window = repo.locked_window(ticket.window) if ticket.window is not None else None
                events = model.end_of_day(ticket, window, now)
                if not repo.update_ticket(ticket) or (window is not None and not repo.update_window(window)):
                    raise Conflict
                self.tx.record(repo, events, now, day=ticket.service_day)  # the event belongs to the ticket's own day
            return len(tickets)

        settled = 0
        while True:
            batch = self.tx.write(work)
            settled += batch
            if batch < 500:
                return settled

    def close_out_of_season(self) -> list[int]:
        """Log out seasonal (候鸟) windows whose season is over, once they hold no ticket; returns their numbers."""
        seasonal = [spec for spec in self.hall.windows if spec.kind is WindowKind.SEASONAL]

        def work(repo: Repository, now: dt.datetime) -> list[int]:
            closed = []
            day = self.hall.service_day(now)
            for spec in seasonal:
                if self.hall.window_in_season(spec, day):
                    continue
                window = repo.locked_window(spec.number)
                if window.state is WindowState.CLOSED or window.ticket_id is not None:
                    continue
                events = model.close_window(window, now)
                if not repo.update_window(window):
                    raise Conflict
                self.tx.record(repo, events, now)
                closed.append(spec.number)
            return closed

        return self.tx.write(work) if seasonal else []

    def check_tidal(self) -> dict[int, str | None]:
        """Apply the hall's tidal rule now: record advice changes as events; open or close in automatic mode.
        Returns the advice in force per tidal window.

        Any caller process may run this; the rule's state lives on the window rows, so they agree.
        """
        config = self.hall.tidal
        rule = config.rule()
        tidal = [spec for spec in self.hall.windows if spec.kind is WindowKind.TIDAL]

        def work(repo: Repository, now: dt.datetime) -> dict[int, str | None]:
            pressure = self.standing.pressure_s(repo, now)
            advice_now: dict[int, str | None] = {}
            for spec in tidal:
                window = repo.locked_window(spec.number)
                advice_before, calm_since = repo.tidal_state(spec.number)
                advice, calm = rule.advise(
                    window.state is not WindowState.CLOSED,
                    calm_since.timestamp() if calm_since else None,
                    now.timestamp(),
                    pressure,
                )
                events: list[model.Event] = []
                if config.automatic and advice is TidalAdvice.OPEN and window.state is WindowState.CLOSED:
                    events += model.open_window(window, now)
                    advice, calm = None, None  # done, nothing left to advise
                elif config.automatic and advice is TidalAdvice.CLOSE and window.ticket_id is None:
                    events += model.close_window(window, now)
                    advice, calm = None, None
                if events and not repo.update_window(window):
                    raise Conflict
                advice_value = advice.value if advice else None
                if advice_value != advice_before:
                    events.append(
                        model.Event(
                            EventType.TIDAL_ADVICE,
                            now,
                            window=spec.number,
                            data={"advice": advice_value or "none", "pressure_s": round(pressure)},
                        )
                    )
                repo.set_tidal_state(
                    spec.number, advice_value, dt.datetime.fromtimestamp(calm, dt.timezone.utc) if calm else None
                )
                if events:
                    self.tx.record(repo, events, now)
                advice_now[spec.number] = advice_value
            return advice_now

        return self.tx.write(work) if tidal else {}
