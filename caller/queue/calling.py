"""Calling (叫号): a window calls the ticket the calling rule chooses, alone or right after finishing its citizen, and
自动叫号 calls waiting tickets to idle windows. A part of QueueService (caller/queue/service.py), on its hall, policy
and transactions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from itertools import islice

from caller.engine import arrival, model
from caller.engine.model import Ticket, Window, WindowState
from caller.engine.policy import least_flexible_longest_idle
from caller.hall import WindowSpec
from caller.queue.transactions import Conflict
from caller.queue.views import WindowView
from caller.storage.repository import Personal, Repository

HEADS = 5  # the first places of each queue the calling rule chooses from (and the one waiting longest)
CLAIM_DEPTH = 8  # the policy's choices a claim tries when the first is being taken: windows calling at one instant


class Calling:
    def call_next(self, number: int) -> WindowView:
        spec = self.window_spec(number)

        def work(repo: Repository, now: dt.datetime) -> WindowView:
            window = repo.locked_window(number)
            model.can_call(window)
            claimed = self._claim_next(repo, spec, window, now)
            if claimed is None:
                return WindowView(spec, window)
            window, chosen, personal = claimed
            return WindowView(spec, window, chosen, chosen, personal)

        return self.tx.write(work)

    def finish_and_call_next(self, number: int, ticket_id: str | None = None, staff: str | None = None) -> WindowView:
        """办结并叫下一位, the staff's usual key: the held citizen's service finished (if the window holds one) and
        the next called, in one transaction — a served citizen costs one request. Nothing eligible (or the window
        paused): the finish stands and the window is free (the view holds no ticket)."""
        spec = self.window_spec(number)

        def work(repo: Repository, now: dt.datetime) -> WindowView:
            window = repo.locked_window(number)
            if window.ticket_id is not None:
                model.expect_holding(window, ticket_id)
                held = repo.ticket(window.ticket_id)
                assert held is not None
                events = model.finish(window, held, now)
                for event in events:
                    if staff:
                        event.data["staff"] = staff
                if not repo.update_ticket(held):
                    raise Conflict
                self.tx.record(repo, events, now)
                if window.state is WindowState.PAUSED:  # 暂停: the citizen finished, nobody called until resumed
                    if not repo.update_window(window):
                        raise Conflict
                    return WindowView(spec, window)
            model.can_call(window)
            claimed = self._claim_next(repo, spec, window, now)
            if claimed is None:
                if not repo.update_window(window):
                    raise Conflict
                return WindowView(spec, window)
            window, chosen, personal = claimed
            return WindowView(spec, window, chosen, chosen, personal)

        return self.tx.write(work)

    def _claim_next(
        self, repo: Repository, spec: WindowSpec, window: Window, now: dt.datetime
    ) -> tuple[Window, Ticket, Personal] | None:
        """Call the policy's choice to a locked, callable window; None if nothing is eligible.

        The policy's first choice is claimed; when another window is calling it that instant, its next few choices
        are ranked from the same read of the queue heads and the first free one claimed in one statement (issue 15:
        8 windows at once tried 6.6 claims and read the heads 6.6 times per call, each lost claim a read further
        down). Only when all the ranked are being taken is the queue read again, further down. (Reading more places per
        category up front cost more than the few second reads it saved, measured with 1 and 8 categories.)"""
        serves = self.hall.serves(spec)
        day = self.hall.service_day(now)
        skipped: set[int] = set()
        lost = 0  # claims lost to other windows: look that much further down each queue
        present_only = False
        while True:
            heads = repo.queue_heads(day, serves, per_category=HEADS + lost, window=spec.number,
                                     present_only=present_only)
            ranking = self._ranking(window, serves, [t for t in heads if t.pk not in skipped], now)
            ranked = list(islice(ranking, 1))
            if not ranked:
                return None
            choices = [chosen for _, chosen in ranked if chosen is not None]
            if not choices:  # only citizens not yet arrived are among these heads
                self._pass_over(repo, ranked, None, skipped, now)
                if not present_only:  # the first places are all awaited: look past them
                    present_only = True
                    continue
                return None
            claimed = repo.claim_first(choices)
            if claimed is None:  # another window is calling the first choice this instant: the next few at once
                more = list(islice(ranking, CLAIM_DEPTH - 1))
                ranked += more
                others = [chosen for _, chosen in more if chosen is not None]
                claimed = repo.claim_first(others)
                choices += others
            if claimed is not None:
                chosen, personal = claimed
                self._pass_over(repo, ranked, chosen, skipped, now)
                trial = replace(window)
                events = model.call(trial, chosen, now)
                if repo.update_ticket(chosen):  # claimed: nobody else called it meanwhile
                    break
                choices = choices[:choices.index(chosen) + 1]
            else:
                self._pass_over(repo, ranked, None, skipped, now)
            for candidate in choices:  # other windows are calling these: the next read reaches further down
                skipped.add(candidate.pk)
                lost += 1
        if not repo.update_window(trial):
            raise Conflict
        self.tx.record(repo, events, now)
        return trial, chosen, personal

    def _ranking(self, window: Window, serves: frozenset[str], waiting: list[Ticket],
                 now: dt.datetime) -> Iterator[tuple[list[Ticket], Ticket | None]]:
        """The policy's choices among `waiting`, best first, as they are asked for (ranking all of them costs more
        than a call alone needs): each with the remote tickets not yet arrived that it would have chosen before
        that one. A last entry with no choice holds awaited tickets only."""
        candidates = waiting
        while candidates:
            chosen, passed = arrival.choose_present(self.policy, window, serves, candidates, now)
            if chosen is None:
                if passed:
                    yield passed, None
                return
            yield passed, chosen
            gone = {id(chosen), *map(id, passed)}
            candidates = [t for t in candidates if id(t) not in gone]

    def _pass_over(self, repo: Repository, ranked: list[tuple[list[Ticket], Ticket | None]], called: Ticket | None,
                   skipped: set[int], now: dt.datetime) -> None:
        """Remote tickets the policy reached before `called` (all of the ranking's when None) whose citizens have
        not arrived: each starts its grace, or lapses."""
        for passed, chosen in ranked:
            for remote in passed:
                if remote.pk in skipped:
                    continue
                skipped.add(remote.pk)
                lapse = arrival.pass_over(remote, now, self.hall.phone.arrival_grace)
                if lapse and repo.update_ticket(remote):
                    self.tx.record(repo, lapse, now)
            if called is not None and chosen is called:
                return

    def dispatch(self) -> None:
        """自动叫号 outside any other action: after the tidal rule opened a window, for example. No-op when off."""
        if self.hall.queue.auto_call:
            self.tx.write(self._auto_call)

    def _auto_call(self, repo: Repository, now: dt.datetime) -> None:
        """自动叫号: call waiting tickets to open, idle windows — least flexible, then longest idle, first."""
        if not self.hall.queue.auto_call:
            return
        # a window another transaction holds is busy with its own action, which dispatches for it: skip it
        windows = {w.number: w for w in repo.windows(lock_free_ones=True)}
        idle = [
            (spec, windows[spec.number])
            for spec in self.hall.windows
            if spec.number in windows
            and windows[spec.number].state is WindowState.OPEN
            and windows[spec.number].ticket_id is None
        ]
        idle.sort(key=lambda sw: least_flexible_longest_idle(len(self.hall.serves(sw[0])), sw[1].state_since, sw[0].number))
        for spec, window in idle:
            self._claim_next(repo, spec, window, now)
