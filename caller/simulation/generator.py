"""Synthetic days of the sample hall (shared/bench/sample-day.md), seeded, and the fates of their citizens."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace

from caller.simulation.trace import Arrival

SLOT_S = 30 * 60
SLOT_WEIGHTS = (0.9, 1.3, 1.6, 1.7, 1.5, 1.1, 0.8, 0.5, 0.4, 0.6, 0.9, 1.2, 1.4, 1.3, 1.0, 0.6)
# category: (share of tickets, mean service minutes, lognormal sigma)
CATEGORY_MIX = {
    "shebao": (0.27, 6, 0.6),
    "yibao": (0.23, 5, 0.6),
    "minzheng": (0.06, 8, 0.6),
    "tuiyi": (0.03, 10, 0.6),
    "budongchan": (0.10, 15, 0.8),
    "qiye": (0.06, 12, 0.8),
    "gongzhang": (0.08, 4, 0.5),
    "zonghe": (0.17, 5, 0.6),
}
CLASSES = (("normal", 0.80), ("appointment", 0.15), ("green", 0.05))


@dataclass(frozen=True)
class DayProfile:
    tickets_per_day: float = 519.0
    boost: dict[str, float] = field(default_factory=dict)  # e.g. {"yibao": 2.2} in the 医保 season
    patience_median_s: float = 45 * 60
    patience_sigma: float = 0.7
    appointment_patience_factor: float = 1.5
    no_show_p: float = 0.03
    no_show_return_p: float = 0.5
    transfer_p: float = 0.04


NORMAL = DayProfile()
SEASON = DayProfile(boost={"yibao": 2.2})


@dataclass(frozen=True)
class Fate:
    """What happens to a citizen once called; drawn once per day so every policy meets the same fates."""

    no_show: bool
    returns_after_s: float | None
    transfer_to: str | None
    transfer_service_s: float


def _lognormal(rng: random.Random, mean: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)


def _weights(profile: DayProfile) -> dict[str, float]:
    return {c: share * profile.boost.get(c, 1.0) for c, (share, _, _) in CATEGORY_MIX.items()}


def service_time(rng: random.Random, category: str) -> float:
    _, minutes, sigma = CATEGORY_MIX[category]
    return _lognormal(rng, minutes * 60, sigma)


def generate_day(seed: int, profile: DayProfile = NORMAL) -> list[Arrival]:
    """A day of arrivals: Poisson, piecewise-constant rate per 30-minute slot, 08:30–16:30."""
    rng = random.Random(seed)
    weights = _weights(profile)
    total_weight = sum(weights.values())
    per_day = profile.tickets_per_day * total_weight  # a boosted category adds tickets
    categories = list(weights)
    shares = [weights[c] / total_weight for c in categories]
    slot_sum = sum(SLOT_WEIGHTS)
    arrivals: list[Arrival] = []
    for slot, weight in enumerate(SLOT_WEIGHTS):
        rate = per_day * weight / slot_sum / SLOT_S  # per second
        t = slot * SLOT_S
        while True:
            t += rng.expovariate(rate)
            if t >= (slot + 1) * SLOT_S:
                break
            category = rng.choices(categories, shares)[0]
            priority = rng.choices([c for c, _ in CLASSES], [p for _, p in CLASSES])[0]
            patience = rng.lognormvariate(math.log(profile.patience_median_s), profile.patience_sigma)
            if priority == "appointment":
                patience *= profile.appointment_patience_factor
            arrivals.append(Arrival(t, category, priority, service_time(rng, category), patience))
    return arrivals


def draw_fates(seed: int, arrivals: list[Arrival], profile: DayProfile = NORMAL) -> list[Fate]:
    """No-shows (half return after 2–15 min) and transfers after service (to another category, new service time)."""
    rng = random.Random(seed * 7919 + 17)
    weights = _weights(profile)
    fates = []
    for arrival in arrivals:
        no_show = rng.random() < profile.no_show_p
        returns = rng.uniform(120, 900) if no_show and rng.random() < profile.no_show_return_p else None
        transfer_to = None
        if not no_show and rng.random() < profile.transfer_p:
            others = [c for c in weights if c != arrival.category]
            transfer_to = rng.choices(others, [weights[c] for c in others])[0]
        # a recorded day may hold categories the sample mix lacks: their second service is the first one's length
        transfer_service = service_time(rng, transfer_to) if transfer_to else 0.0
        if arrival.category not in CATEGORY_MIX and transfer_to:
            transfer_service = arrival.service_s
        fates.append(Fate(no_show, returns, transfer_to, transfer_service))
    return fates


def with_remote(arrivals: list[Arrival], seed: int, share: float = 0.2, late_share: float = 0.1,
                lead_min: tuple[float, float] = (20, 60), late_min: tuple[float, float] = (10, 40)) -> list[Arrival]:
    """The same day with `share` of its citizens meaning to take their number from the phone, `lead_min` minutes
    (their trip) before they come in (not before the hall issues), and `late_share` of those coming in `late_min`
    minutes later than they meant to. (The simulator has one take it only when the phone's estimate is longer than
    the trip; otherwise they come in and take it at the kiosk.)"""
    rng = random.Random(seed * 104729 + 3)
    out = []
    for arrival in arrivals:
        if arrival.priority != "normal" or rng.random() >= share / (1 - CLASSES[1][1] - CLASSES[2][1]):
            out.append(arrival)
            continue
        taken = max(0.0, arrival.arrival_s - rng.uniform(*lead_min) * 60)
        is_late, delay = rng.random() < late_share, rng.uniform(*late_min) * 60  # both drawn: the same citizens
        late = delay if is_late else 0.0  # take their numbers whatever `late_share` is
        out.append(replace(arrival, arrival_s=arrival.arrival_s + late, taken_s=taken, late_s=late))
    return out
